package io.clvm.engine;

import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.VolumeGroup;

/**
 * What clvmd plugs into the engine in cluster mode (integ): cluster locks instead of the host-local
 * file locks, commits through the cluster's commit protocol instead of a direct disk write, and
 * activation registered in the cluster and loaded into this node's device-mapper. Null in local
 * mode: the engine then works as lvm2's {@code locking_type=1}.
 */
public interface Coordinator {
  /** The cluster lock of VG {@code vgName}, held until closed (in place of the file lock). */
  AutoCloseable lockVg(String vgName) throws EngineException;

  /** The cluster's global lock (VG namespace and orphan PVs). */
  AutoCloseable lockGlobal() throws EngineException;

  /** Refuses a VG this cluster does not manage (in place of local mode's lock_type check). */
  void checkWritable(VgState st) throws EngineException;

  /**
   * Commits {@code next} as the successor of {@code old} (null: a new VG, which is marked as
   * cluster-managed); returns the VG as written, with its new seqno, and the metadata areas'
   * capacity warning for it.
   */
  Committed commit(VgState old, VolumeGroup next) throws EngineException;

  /**
   * A commit's outcome: the VG as written, the 80 % capacity warning the daemon computed where it
   * read the metadata areas (printing the text again to compute it here would cost a copy), and the
   * version it replaced on the disks, to archive (null: none, e.g. a member of a group commit,
   * whose group's committer archives the group's base once).
   */
  record Committed(
      VolumeGroup vg,
      java.util.Optional<String> capacityWarning,
      io.clvm.format.model.VgMetadata replaced) {}

  /**
   * What a command holding the VG's lock reads in place of {@code onDisk}: clvmd's pending version
   * of a group commit when one waits on top of the version the disks have (see
   * docs/cluster-protocol.md, "Lock sharing and group commit"). By default the disks' version.
   */
  default VgState pendingVersion(VgState onDisk) {
    return onDisk;
  }

  /**
   * Runs {@code archive} and then {@code backup} (the lvm2-style files of a commit of {@code
   * written}) once the VG lock is released: they are this node's files, not part of the commit, and
   * writing them under the lock made every other node's commit wait for two more prints of the VG
   * and two file writes. By default at once.
   */
  default void afterUnlock(VolumeGroup written, Runnable archive, Runnable backup) {
    archive.run();
    backup.run();
  }

  /**
   * vgremove, before anything is changed: refuses a VG that another node still uses (an LV active
   * there). Local mode has no other nodes.
   */
  default void checkRemovable(VgState st) throws EngineException {}

  /**
   * vgremove, after this node's LVs are deactivated and before the metadata areas are wiped: the
   * cluster forgets the VG (its copy of record first, so a crash in between leaves a VG on the
   * disks that the cluster no longer manages — importable — never a copy of record of wiped disks).
   */
  default void removed(VgState st) throws EngineException {}

  /**
   * Activates {@code lv} on this node in {@code mode} ({@code y}, {@code ey}, {@code sy}, ...,
   * null: keep the node's current mode, or the default): registered in the cluster, then loaded.
   */
  void activate(VolumeGroup vg, LogicalVolume lv, String mode) throws EngineException;

  /** Removes this node's table of {@code lv} and its activation. */
  void deactivate(VolumeGroup vg, LogicalVolume lv) throws EngineException;

  /** Zeroes the first 4 KiB of a new LV (lvcreate's {@code -Z y}). */
  void wipeStart(VolumeGroup vg, LogicalVolume lv) throws EngineException;

  /** True when {@code lv} is active on this node. */
  boolean isActive(VolumeGroup vg, LogicalVolume lv);

  /**
   * The daemon's metadata cache for reports, kept across commands and validated against the disks
   * (see {@link ScanCache}); null: every report scans.
   */
  default ScanCache reportCache() {
    return null;
  }

  /**
   * The daemon's parsed metadata texts and models, shared by its commands (see {@link ParsedVgs});
   * null: every scan parses what it reads.
   */
  default ParsedVgs parsedVgs() {
    return null;
  }

  /**
   * The state of {@code lv}'s device on this node, for the reports' kernel fields; empty when it is
   * not active here. By default a live, unopened device without a known device number.
   */
  default java.util.Optional<io.clvm.dm.DeviceInfo> kernelInfo(VolumeGroup vg, LogicalVolume lv) {
    if (!isActive(vg, lv)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new io.clvm.dm.DeviceInfo(
            io.clvm.dm.lvm.LvmTables.dmName(vg.name(), lv.name()),
            java.util.Optional.empty(),
            null,
            0,
            false,
            true,
            false,
            false,
            0,
            lv.segments().size()));
  }
}
