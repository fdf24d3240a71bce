package io.clvm.format.report;

import io.clvm.format.alloc.ExtentMap;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.PvFlag;
import io.clvm.format.model.VolumeGroup;

/** {@code pvs} fields of a PV in a VG that follow from the metadata alone. Sizes are bytes. */
public final class PvReport {
  private PvReport() {}

  /** {@code pv_attr}, e.g. {@code a--}: allocatable, exported, missing. */
  public static String pvAttr(PhysicalVolume pv) {
    return new String(
        new char[] {
          pv.flags().contains(PvFlag.ALLOCATABLE) ? 'a' : '-',
          pv.flags().contains(PvFlag.EXPORTED) ? 'x' : '-',
          pv.flags().contains(PvFlag.MISSING) ? 'm' : '-'
        });
  }

  /** {@code pv_allocatable}. */
  public static String pvAllocatable(PhysicalVolume pv) {
    return pv.allocatable() ? "allocatable" : "";
  }

  /** {@code pv_size}: the extents, for a PV in a VG. */
  public static long pvSize(VolumeGroup vg, PhysicalVolume pv) {
    return pv.peCount() * vg.extentSize() * 512;
  }

  /** {@code dev_size} as recorded in the metadata. */
  public static long devSize(PhysicalVolume pv) {
    return pv.devSize() * 512;
  }

  public static long pvPeAllocCount(ExtentMap map, PhysicalVolume pv) {
    return map.usedExtents(pv.id());
  }

  public static long pvFree(VolumeGroup vg, ExtentMap map, PhysicalVolume pv) {
    return map.freeExtents(pv.id()) * vg.extentSize() * 512;
  }

  public static long pvUsed(VolumeGroup vg, ExtentMap map, PhysicalVolume pv) {
    return map.usedExtents(pv.id()) * vg.extentSize() * 512;
  }

  /** {@code pe_start} in bytes. */
  public static long peStart(PhysicalVolume pv) {
    return pv.peStart() * 512;
  }

  public static long pvBaStart(PhysicalVolume pv) {
    return pv.baStart() * 512;
  }

  public static long pvBaSize(PhysicalVolume pv) {
    return pv.baSize() * 512;
  }

  /** {@code pv_tags}: sorted, comma-separated. */
  public static String pvTags(PhysicalVolume pv) {
    return VgReport.joinSorted(pv.tags());
  }
}
