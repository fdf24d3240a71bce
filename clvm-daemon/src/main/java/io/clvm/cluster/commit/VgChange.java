package io.clvm.cluster.commit;

import java.io.IOException;

/**
 * The engine's part of a commit: computes the new VG from the committed one, under the VG lock.
 * Allocation happens here, against {@code current} only. Throwing aborts the commit with nothing
 * written.
 */
@FunctionalInterface
public interface VgChange {
  NewVg compute(CommittedVg current, long newSeqno) throws IOException;
}
