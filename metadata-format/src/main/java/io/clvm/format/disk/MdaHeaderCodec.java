package io.clvm.format.disk;

import static io.clvm.format.disk.DiskFormat.FMTT_MAGIC;
import static io.clvm.format.disk.DiskFormat.FMTT_VERSION;
import static io.clvm.format.disk.DiskFormat.MDA_HEADER_SIZE;
import static io.clvm.format.disk.DiskFormat.RAW_LOCN_SIZE;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import java.io.IOException;

/** Reads, decodes, encodes and writes mda_header sectors. */
public final class MdaHeaderCodec {
  static final String MDA_HEADER = "mda_header";
  private static final int SLOTS_AT = 40;

  private MdaHeaderCodec() {}

  /** Reads and decodes the header at {@code start}. */
  public static MdaHeader read(DiskDevice dev, long start) throws IOException {
    return decode(dev.read(start, MDA_HEADER_SIZE, MDA_HEADER), start, dev.name());
  }

  /**
   * Decodes a header sector, validating in lvm2's order: checksum, magic, version, start.
   *
   * @param expectedStart where the header was read from
   */
  public static MdaHeader decode(byte[] b, long expectedStart, String device)
      throws MetadataException {
    long stored = Le.u32(b, 0);
    long computed = Integer.toUnsignedLong(LvmCrc.of(b, 4, MDA_HEADER_SIZE - 4));
    if (stored != computed) {
      throw new MetadataException(
          Kind.BAD_CHECKSUM,
          device,
          expectedStart,
          MDA_HEADER,
          String.format("checksum mismatch: stored 0x%08x, computed 0x%08x", stored, computed));
    }
    if (!LabelReader.startsWith(b, 4, FMTT_MAGIC)) {
      StringBuilder hex = new StringBuilder("0x");
      for (int i = 4; i < 20; i++) {
        hex.append(String.format("%02x", b[i] & 0xff));
      }
      throw new MetadataException(
          Kind.BAD_MAGIC,
          device,
          expectedStart,
          MDA_HEADER,
          "bad magic " + hex + ", expected 0x204c564d3220785b35412572304e2a3e");
    }
    long version = Le.u32(b, 20);
    if (version != FMTT_VERSION) {
      throw new MetadataException(
          Kind.UNSUPPORTED_VERSION,
          device,
          expectedStart,
          MDA_HEADER,
          "unsupported version " + version + ", expected " + FMTT_VERSION);
    }
    long start = Le.u64(b, 24);
    if (start != expectedStart) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          device,
          expectedStart,
          MDA_HEADER,
          "start field is " + Long.toUnsignedString(start) + ", expected " + expectedStart);
    }
    long size = Le.u64(b, 32);
    return new MdaHeader(
        stored, version, start, size, slot(b, SLOTS_AT), slot(b, SLOTS_AT + RAW_LOCN_SIZE));
  }

  private static RawLocn slot(byte[] b, int p) {
    return new RawLocn(Le.u64(b, p), Le.u64(b, p + 8), Le.u32(b, p + 16), Le.u32(b, p + 20));
  }

  /** The 512 header bytes, checksum recomputed; raw_locn[2] and the rest are zero. */
  public static byte[] encode(MdaHeader h) {
    byte[] b = new byte[MDA_HEADER_SIZE];
    System.arraycopy(FMTT_MAGIC, 0, b, 4, FMTT_MAGIC.length);
    Le.put32(b, 20, h.version());
    Le.put64(b, 24, h.start());
    Le.put64(b, 32, h.size());
    putSlot(b, SLOTS_AT, h.committed());
    putSlot(b, SLOTS_AT + RAW_LOCN_SIZE, h.precommitted());
    Le.put32(b, 0, LvmCrc.of(b, 4, MDA_HEADER_SIZE - 4));
    return b;
  }

  private static void putSlot(byte[] b, int p, RawLocn r) {
    Le.put64(b, p, r.offset());
    Le.put64(b, p + 8, r.size());
    Le.put32(b, p + 16, r.checksum());
    Le.put32(b, p + 20, r.flags());
  }

  /** Writes the header sector at its {@code start}. */
  public static void write(DiskDevice dev, MdaHeader h) throws IOException {
    dev.write(h.start(), encode(h));
  }
}
