package io.clvm.cluster.commit;

/**
 * The named steps of the commit protocol (design.md steps 1-6), in order. A {@link FailPoint} fires
 * right after the step's action, so {@code COMMIT_POINT} means "ZooKeeper has the new state, the
 * disks do not yet": the crash that the next writer must repair.
 */
public enum CommitStep {
  /** The VG lock is held. */
  LOCK,
  /**
   * Reduce of an LV active on other nodes only: every such node has loaded the smaller table and
   * acknowledged it; nothing is committed yet (docs/cluster-protocol.md, "Reduce"). A crash here
   * leaves the nodes reduced until the intent vanishes with the committer's session.
   */
  REDUCE_RELOADED,
  /** {@code state} has been read. */
  READ_STATE,
  /** The disks have been rolled forward to {@code state} (or were current). */
  ROLL_FORWARD,
  /** The new VG has been computed (allocation against the committed VG). */
  COMPUTE,
  /** The new text is in every metadata area's circular buffer; headers unchanged. */
  PRECOMMIT,
  /** The commit point: {@code state} and {@code metadata} updated in one multi(). */
  COMMIT_POINT,
  /** Every metadata area header points at the new text. */
  DISK_COMMIT,
  /** The VG lock is released. */
  RELEASE,
  /** The nodes with the changed LVs active have applied the new seqno (or timed out). */
  PROPAGATE
}
