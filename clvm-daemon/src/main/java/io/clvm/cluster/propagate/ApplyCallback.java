package io.clvm.cluster.propagate;

import io.clvm.cluster.commit.CommittedVg;

/**
 * The engine's part of propagation: bring this node's device-mapper tables in step with a newly
 * committed VG (reload, with load/suspend/resume, the tables of locally active LVs whose geometry
 * changed). Called once per new seqno per VG, in seqno order, never concurrently for one VG. If it
 * throws, this node does not record the seqno as applied and the committer names it as a laggard.
 */
@FunctionalInterface
public interface ApplyCallback {
  void apply(CommittedVg vg) throws Exception;
}
