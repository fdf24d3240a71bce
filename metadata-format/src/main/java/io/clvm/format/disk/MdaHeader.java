package io.clvm.format.disk;

/**
 * {@code struct mda_header}: the first sector of a metadata area.
 *
 * @param checksum stored CRC of bytes 4..511
 * @param version {@link DiskFormat#FMTT_VERSION}
 * @param start absolute byte offset of this header
 * @param size size of the whole area in bytes, header included
 * @param committed raw_locn[0]: the live metadata (and the ignore flag)
 * @param precommitted raw_locn[1]: set between the precommit and commit steps, else empty
 */
public record MdaHeader(
    long checksum, long version, long start, long size, RawLocn committed, RawLocn precommitted) {

  /** A fresh header as pvcreate writes it: both slots empty, optionally ignored. */
  public static MdaHeader fresh(long start, long size, boolean ignored) {
    RawLocn slot0 = ignored ? RawLocn.EMPTY.withFlags(DiskFormat.RAW_LOCN_IGNORED) : RawLocn.EMPTY;
    return new MdaHeader(0, DiskFormat.FMTT_VERSION, start, size, slot0, RawLocn.EMPTY);
  }

  public boolean ignored() {
    return committed.ignored();
  }

  public MdaHeader withSlots(RawLocn newCommitted, RawLocn newPrecommitted) {
    return new MdaHeader(checksum, version, start, size, newCommitted, newPrecommitted);
  }
}
