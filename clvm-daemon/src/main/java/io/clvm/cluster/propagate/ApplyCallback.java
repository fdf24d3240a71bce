package io.clvm.cluster.propagate;

import io.clvm.cluster.commit.CommittedVg;
import java.util.Set;

/**
 * The engine's part of propagation: bring this node's device-mapper tables in step with a VG text
 * (reload, with load/suspend/resume, the tables of locally active LVs whose geometry changed).
 * Called on one thread, never concurrently for one VG: for each new committed seqno, in order; with
 * a reduce intent's text ({@link #applyOnly}); and again with the committed text when an intent is
 * withdrawn uncommitted (the restore). If it throws, this node does not record the seqno as applied
 * and the committer names it as a laggard.
 */
@FunctionalInterface
public interface ApplyCallback {
  void apply(CommittedVg vg) throws Exception;

  /**
   * Whether {@link #apply} could change anything of {@code vgUuid} on this node now: false when
   * none of its LVs is active here. Propagation then records a new seqno as applied without
   * fetching the copy of record (this node's tables of the VG, none, are in step with any text); an
   * LV activated afterwards is loaded by its activation, under the VG lock, from a text at least as
   * new. The default, for callbacks that want every text (tests), is true.
   */
  default boolean needsText(String vgUuid) {
    return true;
  }

  /**
   * Reloads only {@code lvUuids} (those active here) as {@code vg} has them: a reduce intent's
   * text, not yet committed. Other LVs must not follow an uncommitted text (an LV grown in it would
   * map extents the cluster has not given it yet). The default, for callbacks that do not load
   * tables per LV (tests), applies the whole text.
   */
  default void applyOnly(CommittedVg vg, Set<String> lvUuids) throws Exception {
    apply(vg);
  }
}
