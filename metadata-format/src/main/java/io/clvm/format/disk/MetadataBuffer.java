package io.clvm.format.disk;

import static io.clvm.format.disk.DiskFormat.MDA_ALIGNMENT;
import static io.clvm.format.disk.DiskFormat.MDA_HEADER_SIZE;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import java.io.IOException;

/**
 * The circular text buffer of a metadata area: bytes {@code [512, size)} relative to the
 * mda_header. A copy that does not fit before the end continues at relative offset 512.
 */
public final class MetadataBuffer {
  static final String TEXT = "metadata text";

  /**
   * No copy larger than this is read: bounds the memory a corrupt header can make us allocate.
   * lvm2's own texts for 10,000 LVs are about 5 MiB.
   */
  public static final long MAX_TEXT_SIZE = 256L << 20;

  private MetadataBuffer() {}

  /**
   * The largest copy (NUL included) lvm2 accepts in an area of {@code areaSize} bytes: half the
   * buffer less one alignment unit, so that the new copy never overlaps the old one.
   */
  public static long maxTextSize(long areaSize) {
    return (areaSize - MDA_HEADER_SIZE) / 2 - MDA_ALIGNMENT;
  }

  /**
   * Where lvm2 puts the next copy of {@code newLen} bytes: the first 512-byte boundary after the
   * committed copy, or the start of the buffer when the committed slot is empty or ignored, or when
   * fewer than 512 bytes remain before the end.
   */
  public static long nextOffset(MdaHeader h, long newLen) {
    RawLocn old = h.committed();
    long size = h.size();
    if (old.ignored() || (old.offset() == 0 && old.size() == 0)) {
      return MDA_HEADER_SIZE;
    }
    long oldLast =
        old.offset() + old.size() > size
            ? old.offset() + old.size() - size + MDA_HEADER_SIZE - 1
            : old.offset() + old.size() - 1;
    if (size - oldLast < MDA_ALIGNMENT) {
      return MDA_HEADER_SIZE;
    }
    long next = BlockAlignedDevice.roundUp(oldLast + 1, MDA_ALIGNMENT);
    return next > size - MDA_ALIGNMENT ? MDA_HEADER_SIZE : next;
  }

  /**
   * Reads the copy a slot points at (both parts when it wraps) and checks its CRC.
   *
   * @return the {@code slot.size()} bytes, NUL included
   */
  public static byte[] read(DiskDevice dev, MdaHeader h, RawLocn slot) throws IOException {
    long at = h.start() + slot.offset();
    long size = h.size();
    if (h.start() + size > dev.size() || size < 0) {
      throw new MetadataException(
          Kind.TRUNCATED,
          dev.name(),
          h.start(),
          "mda_header",
          "metadata area of "
              + Long.toUnsignedString(size)
              + " bytes runs past the end of the device ("
              + dev.size()
              + " bytes)");
    }
    if (slot.offset() < MDA_HEADER_SIZE
        || size < 0
        || slot.offset() >= size
        || slot.size() <= 0
        || slot.size() > size - MDA_HEADER_SIZE) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          dev.name(),
          at,
          TEXT,
          "location offset "
              + slot.offset()
              + " size "
              + slot.size()
              + " does not fit the metadata area of "
              + size
              + " bytes");
    }
    if (slot.size() > MAX_TEXT_SIZE) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          dev.name(),
          at,
          TEXT,
          "text size " + slot.size() + " exceeds the limit of " + MAX_TEXT_SIZE + " bytes");
    }
    int len = (int) slot.size();
    byte[] text = new byte[len];
    int first = (int) Math.min(len, size - slot.offset());
    dev.read(at, text, 0, first, TEXT);
    if (first < len) {
      dev.read(h.start() + MDA_HEADER_SIZE, text, first, len - first, TEXT);
    }
    long computed = Integer.toUnsignedLong(LvmCrc.of(text));
    if (computed != slot.checksum()) {
      throw new MetadataException(
          Kind.BAD_CHECKSUM,
          dev.name(),
          at,
          TEXT,
          String.format(
              "checksum mismatch: stored 0x%08x, computed 0x%08x", slot.checksum(), computed));
    }
    return text;
  }

  /**
   * Writes a copy at {@code offset} (from {@link #nextOffset}), wrapping at the end of the area,
   * and zero-fills the rest of the last 512-byte unit as lvm2 does.
   *
   * @param text the text with its terminating NUL
   * @return the slot describing the copy
   */
  public static RawLocn write(DiskDevice dev, MdaHeader h, long offset, byte[] text)
      throws IOException {
    long size = h.size();
    int first = (int) Math.min(text.length, size - offset);
    dev.write(h.start() + offset, padded(text, 0, first, size - offset));
    if (first < text.length) {
      dev.write(
          h.start() + MDA_HEADER_SIZE,
          padded(text, first, text.length - first, size - MDA_HEADER_SIZE));
    }
    return new RawLocn(offset, text.length, Integer.toUnsignedLong(LvmCrc.of(text)), 0);
  }

  private static byte[] padded(byte[] text, int off, int len, long room) {
    int n = (int) Math.min(room, BlockAlignedDevice.roundUp(len, MDA_ALIGNMENT));
    byte[] b = new byte[n];
    System.arraycopy(text, off, b, 0, len);
    return b;
  }

  /** Whether {@code [offset, offset+len)} (circular) overlaps the committed copy. */
  public static boolean overlapsCommitted(MdaHeader h, long offset, long len) {
    RawLocn old = h.committed();
    if (old.ignored() || old.isEmpty()) {
      return false;
    }
    long buf = h.size() - MDA_HEADER_SIZE;
    long a = offset - MDA_HEADER_SIZE;
    long b = old.offset() - MDA_HEADER_SIZE;
    // Two circular intervals overlap when either starts inside the other.
    return inside(a, b, old.size(), buf) || inside(b, a, len, buf);
  }

  private static boolean inside(long point, long start, long len, long buf) {
    long d = Math.floorMod(point - start, buf);
    return d < len;
  }
}
