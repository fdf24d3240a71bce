package io.clvm.cluster.commit;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The metadata areas on the shared disks, as the commit protocol needs them. The implementation
 * over fmt-disk's io.clvm.format.store (lvm2's precommit/commit on each PV's metadata areas) is
 * plugged in by the daemon; tests use an in-memory one. The protocol checks the ZooKeeper
 * connection immediately before every call that writes.
 */
public interface MetadataDisks {
  /**
   * The text the VG's metadata areas currently point at, or empty if no PV of the VG is found. When
   * the areas disagree (a crash in the middle of a disk commit), the lowest seqno is returned: the
   * VG then counts as behind and is rolled forward.
   */
  Optional<CommittedVg> readCommitted(String vgUuid) throws IOException;

  /**
   * lvm2's precommit: writes {@code text} into free space of every metadata area of the PVs the
   * text names, leaving the headers untouched. Returns where it was written.
   */
  List<MdaState> precommit(String vgUuid, long seqno, String text) throws IOException;

  /**
   * The warning about the metadata areas' capacity (80 % of the largest copy the smallest area
   * holds) for the text the last {@link #precommit} of {@code vgUuid} at {@code seqno} wrote, if
   * any: computed once, where the areas were read, and handed back to the command.
   */
  default Optional<String> capacityWarning(String vgUuid, long seqno) {
    return Optional.empty();
  }

  /** lvm2's commit: points every metadata area header at the precommitted {@code slots}. */
  void commit(String vgUuid, long seqno, List<MdaState> slots) throws IOException;
}
