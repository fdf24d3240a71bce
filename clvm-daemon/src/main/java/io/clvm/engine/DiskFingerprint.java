package io.clvm.engine;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.Label;
import io.clvm.format.disk.LabelReader;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.RawLocn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What must be unchanged on the devices for a scan's result to be still true: per device, its size,
 * its label (PV header included) and, per metadata area, where the committed text is and its CRC.
 * Every metadata write by anyone (clvm on any node, lvm2) moves an area's committed slot, so equal
 * fingerprints mean equal committed metadata, while reading them costs a label sector and one
 * 512-byte header per area instead of every metadata text.
 *
 * <p>A precommit (text written, header slot 0 unchanged) does not change the fingerprint, which is
 * right: reports show the committed metadata.
 */
record DiskFingerprint(List<Device> devices) {
  /** One device: a label (empty: not a PV) and the committed slot of each metadata area. */
  record Device(String name, long size, Optional<Label> label, List<Area> areas) {}

  /** A metadata area's header fields that move with every commit. */
  record Area(long start, long size, RawLocn committed) {}

  /**
   * The fingerprint of {@code paths} now, reading only labels and metadata area headers; empty when
   * a device cannot be opened or read (the caller then does a full scan, which reports why).
   */
  static Optional<DiskFingerprint> read(List<String> paths) {
    List<Device> out = new ArrayList<>();
    for (String p : paths) {
      try (FileDevice d = FileDevice.openReadOnly(Path.of(p))) {
        out.add(device(d));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.of(new DiskFingerprint(List.copyOf(out)));
  }

  private static Device device(DiskDevice d) throws IOException {
    Optional<Label> label;
    try {
      label = LabelReader.scan(d);
    } catch (MetadataException e) {
      throw new IOException("bad label", e); // a full scan reports it
    }
    List<Area> areas = new ArrayList<>();
    if (label.isPresent()) {
      for (DiskLocn locn : label.get().pvHeader().metadataAreas()) {
        try {
          areas.add(area(MdaHeaderCodec.read(d, locn.offset())));
        } catch (MetadataException e) {
          areas.add(null); // a bad header, as the full scan saw it (or not: then they differ)
        }
      }
    }
    return new Device(d.name(), d.size(), label, areas);
  }

  private static Area area(MdaHeader h) {
    return new Area(h.start(), h.size(), h.committed());
  }
}
