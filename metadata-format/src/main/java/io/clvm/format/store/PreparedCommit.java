package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.MetadataBuffer;
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

  /**
   * Rebuilds a prepared commit from the copies {@link #copies()} reported, e.g. after a restart
   * between the precommit and the commit. Each copy's text is read back and its CRC checked, so
   * that only what is really on disk gets committed.
   *
   * @param devices the VG's devices, by name as in {@link MetadataCopy#device()}
   */
  public static PreparedCommit resume(List<? extends DiskDevice> devices, List<MetadataCopy> copies)
      throws IOException {
    List<Area> areas = new ArrayList<>();
    for (MetadataCopy c : copies) {
      DiskDevice dev =
          devices.stream()
              .filter(d -> d.name().equals(c.device()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new MetadataException(
                          MetadataException.Kind.MISSING,
                          c.device(),
                          c.mdaStart(),
                          "mda_header",
                          "device of a precommitted copy is not among the devices"));
      MdaHeader h = MdaHeaderCodec.read(dev, c.mdaStart());
      RawLocn slot = new RawLocn(c.textOffset() - c.mdaStart(), c.size(), c.checksum(), 0);
      if (h.committed().offset() == slot.offset()
          && h.committed().size() == slot.size()
          && h.committed().checksum() == slot.checksum()) {
        continue; // already committed there
      }
      MetadataBuffer.read(dev, h, slot);
      areas.add(new Area(dev, h, slot));
    }
    return new PreparedCommit(areas, copies);
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
