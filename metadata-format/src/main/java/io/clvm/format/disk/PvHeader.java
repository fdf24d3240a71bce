package io.clvm.format.disk;

import java.util.List;

/**
 * {@code struct pv_header} with its extension, as stored after the label header.
 *
 * @param uuid the 32 raw UUID characters (no dashes)
 * @param deviceSize device size in bytes when the header was written
 * @param dataAreas data areas; lvm2 writes exactly one, {@code {pe_start, 0}}
 * @param metadataAreas 0, 1 or 2 metadata areas (absolute offset of the mda_header, whole size)
 * @param extensionVersion 0 when the extension is absent (very old PVs), else 1 or 2
 * @param extensionFlags {@link DiskFormat#PV_EXT_USED} when the PV is in a VG
 * @param bootloaderAreas 0 or 1 bootloader area
 */
public record PvHeader(
    String uuid,
    long deviceSize,
    List<DiskLocn> dataAreas,
    List<DiskLocn> metadataAreas,
    long extensionVersion,
    long extensionFlags,
    List<DiskLocn> bootloaderAreas) {

  public PvHeader {
    dataAreas = List.copyOf(dataAreas);
    metadataAreas = List.copyOf(metadataAreas);
    bootloaderAreas = List.copyOf(bootloaderAreas);
  }

  /** Whether the extension says the PV belongs to a VG. */
  public boolean inUse() {
    return (extensionFlags & DiskFormat.PV_EXT_USED) != 0;
  }

  /** The first byte of the data area (pe_start in bytes), or 0 when there is no data area. */
  public long dataStart() {
    return dataAreas.isEmpty() ? 0 : dataAreas.get(0).offset();
  }

  public PvHeader withExtensionFlags(long flags) {
    return new PvHeader(
        uuid, deviceSize, dataAreas, metadataAreas, extensionVersion, flags, bootloaderAreas);
  }

  /** The UUID in lvm2's dashed 6-4-4-4-4-4-6 text form. */
  public String uuidText() {
    return dashed(uuid);
  }

  /** Formats 32 raw UUID characters as lvm2 prints them. */
  public static String dashed(String raw) {
    if (raw.length() != DiskFormat.ID_LEN) {
      return raw;
    }
    StringBuilder b = new StringBuilder(38);
    int[] groups = {6, 4, 4, 4, 4, 4, 6};
    int p = 0;
    for (int g : groups) {
      if (p > 0) {
        b.append('-');
      }
      b.append(raw, p, p + g);
      p += g;
    }
    return b.toString();
  }
}
