package io.clvm.format.disk;

/**
 * {@code struct raw_locn}: where a metadata text copy is, relative to the start of its area.
 *
 * @param offset byte offset from the mda_header (0 = no metadata)
 * @param size bytes of text including the terminating NUL
 * @param checksum CRC of those {@code size} bytes
 * @param flags {@link DiskFormat#RAW_LOCN_IGNORED} in slot 0 of an ignored area
 */
public record RawLocn(long offset, long size, long checksum, long flags) {
  public static final RawLocn EMPTY = new RawLocn(0, 0, 0, 0);

  /** The area is ignored: neither read nor updated. */
  public boolean ignored() {
    return (flags & DiskFormat.RAW_LOCN_IGNORED) != 0;
  }

  /** No text recorded here. */
  public boolean isEmpty() {
    return offset == 0;
  }

  public RawLocn withFlags(long newFlags) {
    return new RawLocn(offset, size, checksum, newFlags);
  }
}
