package io.clvm.format.disk;

/**
 * A decoded label sector: {@code struct label_header} plus the PV header it points to.
 *
 * @param sector the sector the label is in (also its {@code sector} field)
 * @param crc the stored label CRC
 * @param contentsOffset offset of the pv_header from the start of the sector (32)
 * @param pvHeader the PV header
 */
public record Label(int sector, long crc, long contentsOffset, PvHeader pvHeader) {
  /** Absolute byte offset of the label sector. */
  public long byteOffset() {
    return (long) sector * DiskFormat.SECTOR_SIZE;
  }
}
