package io.clvm.format.store;

import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.RawLocn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A commit whose text is on disk and precommitted (slot 1), waiting for the final step. Made by
 * {@link MetadataCommitter#precommit}.
 */
public final class PreparedCommit {
  /** One area: its header as it was before the precommit, and the new copy's location. */
  record Area(DiskDevice device, MdaHeader before, RawLocn slot) {}

  private final List<Area> areas;
  private final List<MetadataCopy> copies;
  private boolean done;

  PreparedCommit(List<Area> areas, List<MetadataCopy> copies) {
    this.areas = List.copyOf(areas);
    this.copies = List.copyOf(copies);
  }

  /** Where the text went, one entry per in-use area (including areas that already had it). */
  public List<MetadataCopy> copies() {
    return copies;
  }

  /** Points slot 0 of every header at the new copy and clears slot 1: the new version is live. */
  public void commit() throws IOException {
    finish(true);
  }

  /** Clears slot 1 again; slot 0 still points at the old copy. */
  public void revert() throws IOException {
    finish(false);
  }

  private void finish(boolean commit) throws IOException {
    if (done) {
      throw new IllegalStateException("commit already finished");
    }
    done = true;
    List<DiskDevice> devices = new ArrayList<>();
    for (Area a : areas) {
      RawLocn slot0 = commit ? a.slot() : a.before().committed();
      MdaHeaderCodec.write(a.device(), a.before().withSlots(slot0, RawLocn.EMPTY));
      devices.add(a.device());
    }
    MetadataCommitter.flushAll(devices);
  }
}
