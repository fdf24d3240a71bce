package io.clvm.format.model;

import java.util.Optional;

/**
 * How a VG under clvm's cluster management is marked on disk so that a host running plain lvm2 can
 * read it ({@code vgs --shared}) but refuses to change it: lvmlockd's shared-VG convention, {@code
 * lock_type = "dlm"} with the {@code WRITE_LOCKED} spelling of {@code WRITE}.
 *
 * <p>Why {@code dlm} and not a lock type of clvm's own: lvm2 2.03 treats an unknown lock type as
 * none (and then fails on the dangling {@code lock_args}), so it would protect nothing. A host that
 * does run lvmlockd with dlm compares the cluster name in {@code lock_args} with its own corosync
 * cluster and refuses on mismatch; the {@code clvm.} prefix keeps ours from matching any of them.
 * The measurements behind this are in docs/on-disk-marking.md.
 */
public final class ClusterMarking {
  /** The lock type clvm writes. */
  public static final String LOCK_TYPE = "dlm";

  /** The lock_args version lvmlockd expects in front of its data. */
  static final String LOCK_ARGS_VERSION = "1.0.0:";

  /** Marks clvm's lock_args among lvmlockd's. */
  static final String CLUSTER_PREFIX = "clvm.";

  private ClusterMarking() {}

  /** The VG marked as managed by the named clvm cluster. */
  public static VolumeGroup mark(VolumeGroup vg, String clusterName) {
    // The cluster name lands inside a quoted metadata string: hold it to lvm2's name rules.
    Names.checkName(clusterName)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException("invalid cluster name: " + why);
            });
    return vg.toBuilder()
        .lockType(LOCK_TYPE)
        .lockArgs(LOCK_ARGS_VERSION + CLUSTER_PREFIX + clusterName)
        .build();
  }

  /** The VG back under local management: {@code lock_type = "none"}, as lvm2's forced change. */
  public static VolumeGroup unmark(VolumeGroup vg) {
    return vg.toBuilder().lockType("none").lockArgs(null).build();
  }

  /** The clvm cluster that manages this VG, if any (an lvmlockd VG is not clvm's). */
  public static Optional<String> clusterOf(VolumeGroup vg) {
    String args = vg.lockArgs();
    String prefix = LOCK_ARGS_VERSION + CLUSTER_PREFIX;
    if (LOCK_TYPE.equals(vg.lockType()) && args != null && args.startsWith(prefix)) {
      return Optional.of(args.substring(prefix.length()));
    }
    return Optional.empty();
  }
}
