package io.clvm.format.disk;

import static io.clvm.format.disk.DiskFormat.DISK_LOCN_SIZE;
import static io.clvm.format.disk.DiskFormat.ID_LEN;
import static io.clvm.format.disk.DiskFormat.LABEL_CRC_START;
import static io.clvm.format.disk.DiskFormat.LABEL_HEADER_SIZE;
import static io.clvm.format.disk.DiskFormat.LABEL_ID;
import static io.clvm.format.disk.DiskFormat.LABEL_SCAN_SECTORS;
import static io.clvm.format.disk.DiskFormat.LVM2_LABEL;
import static io.clvm.format.disk.DiskFormat.SECTOR_SIZE;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Finds and decodes the LVM2 label in sectors 0..3 of a device. */
public final class LabelReader {
  static final String LABEL_HEADER = "label_header";
  static final String PV_HEADER = "pv_header";

  private LabelReader() {}

  /**
   * Scans sectors 0..3 as lvm2 does and decodes the first valid label.
   *
   * @return empty when no sector starts with {@code LABELONE}: the device is not a PV
   * @throws MetadataException when a sector starts with {@code LABELONE} but no such sector holds a
   *     valid label (the first problem found is reported)
   */
  public static Optional<Label> scan(DiskDevice dev) throws IOException {
    int sectors = (int) Math.min(LABEL_SCAN_SECTORS, dev.size() / SECTOR_SIZE);
    if (sectors == 0) {
      dev.checkRange(0, SECTOR_SIZE * 2L, LABEL_HEADER);
    }
    byte[] buf = dev.read(0, sectors * SECTOR_SIZE, LABEL_HEADER);
    MetadataException first = null;
    for (int s = 0; s < sectors; s++) {
      if (!startsWith(buf, s * SECTOR_SIZE, LABEL_ID)) {
        continue;
      }
      try {
        return Optional.of(
            decode(Arrays.copyOfRange(buf, s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE), s, dev.name()));
      } catch (MetadataException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return Optional.empty();
  }

  /**
   * Decodes one 512-byte label sector, validating in lvm2's order: id, sector field, CRC, type.
   *
   * @param sectorNo the sector the bytes were read from
   * @param device named in errors
   */
  public static Label decode(byte[] sector, int sectorNo, String device) throws MetadataException {
    long at = (long) sectorNo * SECTOR_SIZE;
    if (!startsWith(sector, 0, LABEL_ID)) {
      throw new MetadataException(
          Kind.BAD_MAGIC,
          device,
          at,
          LABEL_HEADER,
          "bad id " + quoted(sector, 0, 8) + ", expected \"LABELONE\"");
    }
    long sectorField = Le.u64(sector, 8);
    if (sectorField != sectorNo) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          device,
          at,
          LABEL_HEADER,
          "sector field is " + Long.toUnsignedString(sectorField) + ", expected " + sectorNo);
    }
    long stored = Le.u32(sector, 16);
    long computed =
        Integer.toUnsignedLong(LvmCrc.of(sector, LABEL_CRC_START, SECTOR_SIZE - LABEL_CRC_START));
    if (stored != computed) {
      throw new MetadataException(
          Kind.BAD_CHECKSUM,
          device,
          at,
          LABEL_HEADER,
          String.format("checksum mismatch: stored 0x%08x, computed 0x%08x", stored, computed));
    }
    if (!startsWith(sector, 24, LVM2_LABEL)) {
      throw new MetadataException(
          Kind.UNSUPPORTED_VERSION,
          device,
          at,
          LABEL_HEADER,
          "unsupported label type " + quoted(sector, 24, 8) + ", expected \"LVM2 001\"");
    }
    long contents = Le.u32(sector, 20);
    if (contents < LABEL_HEADER_SIZE || contents > SECTOR_SIZE - ID_LEN - 8 - 2 * DISK_LOCN_SIZE) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          device,
          at,
          LABEL_HEADER,
          "pv_header offset " + contents + " out of range");
    }
    return new Label(sectorNo, stored, contents, pvHeader(sector, (int) contents, device, at));
  }

  private static PvHeader pvHeader(byte[] s, int p, String device, long at)
      throws MetadataException {
    String uuid = new String(s, p, ID_LEN, StandardCharsets.ISO_8859_1);
    long deviceSize = Le.u64(s, p + ID_LEN);
    Cursor c = new Cursor(p + ID_LEN + 8);
    List<DiskLocn> data = list(s, c, device, at, "data area list");
    List<DiskLocn> mdas = list(s, c, device, at, "metadata area list");
    long version = 0;
    long flags = 0;
    List<DiskLocn> boot = List.of();
    // An extension needs at least its version, flags and one terminator in the sector.
    if (c.pos + 8 + DISK_LOCN_SIZE <= SECTOR_SIZE) {
      version = Le.u32(s, c.pos);
      flags = Le.u32(s, c.pos + 4);
      c.pos += 8;
      if (version > 0) {
        boot = list(s, c, device, at, "bootloader area list");
      }
    }
    return new PvHeader(uuid, deviceSize, data, mdas, version, flags, boot);
  }

  private static final class Cursor {
    int pos;

    Cursor(int pos) {
      this.pos = pos;
    }
  }

  /** A disk_locn list, ended by the first entry whose offset is 0 (as lvm2 reads it). */
  private static List<DiskLocn> list(byte[] s, Cursor c, String device, long at, String what)
      throws MetadataException {
    List<DiskLocn> out = new ArrayList<>(2);
    while (true) {
      if (c.pos + DISK_LOCN_SIZE > SECTOR_SIZE) {
        throw new MetadataException(
            Kind.TRUNCATED, device, at, PV_HEADER, what + " runs past the end of the label sector");
      }
      long offset = Le.u64(s, c.pos);
      long size = Le.u64(s, c.pos + 8);
      c.pos += DISK_LOCN_SIZE;
      if (offset == 0) {
        return out;
      }
      out.add(new DiskLocn(offset, size));
    }
  }

  static boolean startsWith(byte[] b, int off, byte[] prefix) {
    return Arrays.equals(b, off, off + prefix.length, prefix, 0, prefix.length);
  }

  private static String quoted(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.append('"').toString();
  }
}
