package io.clvm.format.disk;

/**
 * The options of {@code pvcreate} that shape the on-disk layout. Sizes in bytes.
 *
 * @param uuid the PV UUID, 32 raw characters (dashes are removed)
 * @param metadataSize {@code --metadatasize}: requested size of each metadata area
 * @param metadataCopies {@code --pvmetadatacopies}: 0, 1 or 2
 * @param dataAlignment {@code --dataalignment}: pe_start and mda0's end are multiples of it
 * @param bootloaderAreaSize {@code --bootloaderareasize}, 0 for none
 * @param metadataIgnore {@code --metadataignore y}: the areas are created ignored
 * @param labelSector {@code --labelsector}: 0..3
 */
public record PvFormatOptions(
    String uuid,
    long metadataSize,
    int metadataCopies,
    long dataAlignment,
    long bootloaderAreaSize,
    boolean metadataIgnore,
    int labelSector) {

  /** lvm2's default metadata area size: what lies between 4 KiB and 1 MiB (2040 sectors). */
  public static final long DEFAULT_METADATA_SIZE = 2040L * DiskFormat.SECTOR_SIZE;

  /** {@code devices/default_data_alignment}: 1 MiB. */
  public static final long DEFAULT_DATA_ALIGNMENT = 1L << 20;

  /** Smallest metadata area lvm2 creates: 8 pages of 4 KiB. */
  public static final long MIN_METADATA_SIZE = 8 * 4096;

  public PvFormatOptions {
    uuid = uuid.replace("-", "");
    if (uuid.length() != DiskFormat.ID_LEN) {
      throw new IllegalArgumentException("PV UUID must have 32 characters without dashes");
    }
    if (metadataCopies < 0 || metadataCopies > 2) {
      throw new IllegalArgumentException("--pvmetadatacopies must be 0, 1 or 2");
    }
    if (metadataCopies > 0 && metadataSize < MIN_METADATA_SIZE) {
      throw new IllegalArgumentException("--metadatasize must be at least 32 KiB");
    }
    if (dataAlignment <= 0 || dataAlignment % DiskFormat.SECTOR_SIZE != 0) {
      throw new IllegalArgumentException("--dataalignment must be a positive multiple of 512");
    }
    if (bootloaderAreaSize < 0 || labelSector < 0 || labelSector >= DiskFormat.LABEL_SCAN_SECTORS) {
      throw new IllegalArgumentException("bad bootloader area size or label sector");
    }
    metadataSize = BlockAlignedDevice.roundUp(metadataSize, DiskFormat.SECTOR_SIZE);
  }

  /** pvcreate's defaults: one 2040-sector area, 1 MiB alignment, label in sector 1. */
  public static PvFormatOptions defaults(String uuid) {
    return new PvFormatOptions(
        uuid,
        DEFAULT_METADATA_SIZE,
        1,
        DEFAULT_DATA_ALIGNMENT,
        0,
        false,
        DiskFormat.DEFAULT_LABEL_SECTOR);
  }

  public PvFormatOptions withMetadataSize(long bytes) {
    return new PvFormatOptions(
        uuid,
        bytes,
        metadataCopies,
        dataAlignment,
        bootloaderAreaSize,
        metadataIgnore,
        labelSector);
  }

  public PvFormatOptions withMetadataCopies(int copies) {
    return new PvFormatOptions(
        uuid, metadataSize, copies, dataAlignment, bootloaderAreaSize, metadataIgnore, labelSector);
  }

  public PvFormatOptions withDataAlignment(long bytes) {
    return new PvFormatOptions(
        uuid, metadataSize, metadataCopies, bytes, bootloaderAreaSize, metadataIgnore, labelSector);
  }

  public PvFormatOptions withBootloaderAreaSize(long bytes) {
    return new PvFormatOptions(
        uuid, metadataSize, metadataCopies, dataAlignment, bytes, metadataIgnore, labelSector);
  }

  public PvFormatOptions withMetadataIgnore(boolean ignore) {
    return new PvFormatOptions(
        uuid, metadataSize, metadataCopies, dataAlignment, bootloaderAreaSize, ignore, labelSector);
  }
}
