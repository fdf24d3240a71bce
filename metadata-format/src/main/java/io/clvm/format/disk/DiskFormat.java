package io.clvm.format.disk;

import java.nio.charset.StandardCharsets;

/**
 * Constants of LVM2's binary on-disk structures, named as in lvm2's {@code lib/label/label.h} and
 * {@code lib/format_text/layout.h}.
 */
public final class DiskFormat {
  private DiskFormat() {}

  /** A sector is always 512 bytes in LVM2 structures, whatever the device's block size. */
  public static final int SECTOR_SIZE = 512;

  /** Only sectors 0..3 are searched for a label ({@code LABEL_SCAN_SECTORS}). */
  public static final int LABEL_SCAN_SECTORS = 4;

  /** The sector lvm2 writes its label to by default. */
  public static final int DEFAULT_LABEL_SECTOR = 1;

  /** {@code LABEL_ID}: "LABELONE", no NUL. */
  public static final byte[] LABEL_ID = "LABELONE".getBytes(StandardCharsets.US_ASCII);

  /** {@code LVM2_LABEL}: the label type "LVM2 001", no NUL. */
  public static final byte[] LVM2_LABEL = "LVM2 001".getBytes(StandardCharsets.US_ASCII);

  /** Size of {@code struct label_header}; also the offset of the pv_header lvm2 writes. */
  public static final int LABEL_HEADER_SIZE = 32;

  /** The label CRC covers the sector from the {@code offset} field on. */
  public static final int LABEL_CRC_START = 20;

  /** {@code ID_LEN}: characters of a raw UUID. */
  public static final int ID_LEN = 32;

  /** Size of {@code struct disk_locn}: u64 offset, u64 size. */
  public static final int DISK_LOCN_SIZE = 16;

  /** {@code PV_HEADER_EXTENSION_VSN}: the extension version lvm2 writes. */
  public static final int PV_HEADER_EXTENSION_VSN = 2;

  /** {@code PV_EXT_USED}: extension flag, the PV belongs to a VG. */
  public static final int PV_EXT_USED = 0x1;

  /** {@code MDA_HEADER_SIZE}: the metadata area header is one sector. */
  public static final int MDA_HEADER_SIZE = 512;

  /** {@code FMTT_MAGIC}: " LVM2 x[5A%r0N*>". */
  public static final byte[] FMTT_MAGIC = " LVM2 x[5A%r0N*>".getBytes(StandardCharsets.US_ASCII);

  /** {@code FMTT_VERSION}: the only mda_header version. */
  public static final int FMTT_VERSION = 1;

  /** Size of {@code struct raw_locn}: u64 offset, u64 size, u32 checksum, u32 flags. */
  public static final int RAW_LOCN_SIZE = 24;

  /** {@code RAW_LOCN_IGNORED}: slot 0 flag, the metadata area is not used. */
  public static final int RAW_LOCN_IGNORED = 0x1;

  /** Text copies start on 512-byte boundaries, also on 4K devices. */
  public static final int MDA_ALIGNMENT = 512;

  /** lvm2 zeroes this much of a new metadata area before writing its header. */
  public static final int MDA_WIPE_SIZE = 4096;
}
