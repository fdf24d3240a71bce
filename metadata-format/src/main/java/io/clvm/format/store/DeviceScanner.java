package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.Label;
import io.clvm.format.disk.LabelReader;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.MetadataBuffer;
import io.clvm.format.disk.RawLocn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads labels, metadata area headers and committed texts from devices; writes nothing.
 *
 * <p>Format problems do not stop the scan: they are collected per device, as lvm2 marks an area bad
 * and goes on. Only I/O errors are thrown. Every PV of a VG normally carries the same text, so
 * texts are parsed once per distinct content.
 */
public final class DeviceScanner {
  private final Map<Long, List<Parsed>> parsed = new HashMap<>();
  private final ParsedTexts shared;

  /** A scanner that parses each distinct text once per scan. */
  public DeviceScanner() {
    this(null);
  }

  /** A scanner that takes parsed texts from {@code shared} (null: none), and adds to it. */
  public DeviceScanner(ParsedTexts shared) {
    this.shared = shared;
  }

  private record Parsed(byte[] text, TextInfo info) {}

  /** Scans one device. */
  public PvScan scan(DiskDevice dev) throws IOException {
    List<MetadataException> problems = new ArrayList<>();
    Optional<Label> label;
    try {
      label = LabelReader.scan(dev);
    } catch (MetadataException e) {
      problems.add(e);
      return new PvScan(dev, Optional.empty(), List.of(), problems);
    }
    if (label.isEmpty()) {
      return new PvScan(dev, label, List.of(), problems);
    }
    List<AreaScan> areas = new ArrayList<>(2);
    List<DiskLocn> mdas = label.get().pvHeader().metadataAreas();
    for (int i = 0; i < mdas.size(); i++) {
      areas.add(area(dev, label.get(), i, mdas.get(i), problems));
    }
    return new PvScan(dev, label, areas, problems);
  }

  /** Scans several devices. */
  public List<PvScan> scan(List<? extends DiskDevice> devices) throws IOException {
    List<PvScan> out = new ArrayList<>(devices.size());
    for (DiskDevice d : devices) {
      out.add(scan(d));
    }
    return out;
  }

  private AreaScan area(
      DiskDevice dev, Label label, int index, DiskLocn locn, List<MetadataException> problems)
      throws IOException {
    MdaHeader h;
    try {
      h = MdaHeaderCodec.read(dev, locn.offset());
    } catch (MetadataException e) {
      problems.add(e);
      return new AreaScan(index, locn, Optional.empty(), Optional.empty());
    }
    RawLocn slot = h.committed();
    if (h.ignored() || slot.isEmpty()) {
      return new AreaScan(index, locn, Optional.of(h), Optional.empty());
    }
    try {
      byte[] raw = MetadataBuffer.read(dev, h, slot);
      long at = h.start() + slot.offset();
      int len = textLength(raw);
      TextInfo info = info(raw, len, slot.checksum(), dev.name(), at);
      MetadataCopy copy =
          new MetadataCopy(
              dev.name(),
              label.pvHeader().uuid(),
              index,
              h.start(),
              at,
              slot.size(),
              slot.checksum(),
              info.vgName(),
              info.vgId(),
              info.seqno(),
              info.pvIds(),
              Arrays.copyOf(raw, len),
              info.tree());
      return new AreaScan(index, locn, Optional.of(h), Optional.of(copy));
    } catch (MetadataException e) {
      problems.add(e);
      return new AreaScan(index, locn, Optional.of(h), Optional.empty());
    }
  }

  /** The text ends at the first NUL (normally the last byte). */
  private static int textLength(byte[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        return i;
      }
    }
    return raw.length;
  }

  /** Parses a text once per distinct content; the verified CRC makes a cheap key. */
  private TextInfo info(byte[] raw, int len, long crc, String device, long at)
      throws MetadataException {
    long key = ((long) len << 32) ^ crc;
    if (shared != null) {
      return shared.info(raw, len, key, device, at);
    }
    List<Parsed> bucket = parsed.computeIfAbsent(key, k -> new ArrayList<>(1));
    for (Parsed p : bucket) {
      if (Arrays.equals(p.text, 0, p.text.length, raw, 0, len)) {
        return p.info;
      }
    }
    TextInfo info = TextInfo.of(raw, len, device, at);
    bucket.add(new Parsed(Arrays.copyOf(raw, len), info));
    return info;
  }

  static MetadataException inconsistent(MetadataCopy c, String reason) {
    return new MetadataException(
        Kind.INCONSISTENT, c.device(), c.textOffset(), "metadata text", reason);
  }
}
