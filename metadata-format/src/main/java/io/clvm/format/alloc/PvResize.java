package io.clvm.format.alloc;

import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VolumeGroup;

/**
 * pvresize on the model: a new device size gives a new extent count; growing always works,
 * shrinking only while no allocated extent lies beyond the new end (lvm2 does not move data).
 */
public final class PvResize {
  private PvResize() {}

  /**
   * Extents that fit: {@code floor((devSize - peStart - reservedAtEnd) / extentSize)}, never
   * negative.
   *
   * @param reservedAtEnd sectors kept at the end of the device (a second metadata area), 0 if none
   */
  public static long peCountFor(long devSize, long peStart, long reservedAtEnd, long extentSize) {
    long usable = devSize - peStart - reservedAtEnd;
    return usable <= 0 ? 0 : usable / extentSize;
  }

  /**
   * The VG with the PV resized.
   *
   * @param newDevSize the device's new size in sectors
   * @param reservedAtEnd sectors of a second metadata area at the new end, 0 if none
   * @throws AllocationException when shrinking would cut off allocated extents
   * @throws IllegalArgumentException when the device is too small to hold any extent
   */
  public static VolumeGroup resize(
      VolumeGroup vg, LvmUuid pvId, long newDevSize, long reservedAtEnd) {
    PhysicalVolume pv =
        vg.pv(pvId)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Physical volume " + pvId + " is not in volume group " + vg.name()));
    String dev = pv.device() == null ? pvId.toString() : pv.device();
    long count = peCountFor(newDevSize, pv.peStart(), reservedAtEnd, vg.extentSize());
    if (count == 0) {
      throw new IllegalArgumentException(
          dev + ": Size must exceed physical extent start of " + pv.peStart() + " sectors.");
    }
    if (count < pv.peCount()) {
      for (UsedArea u : ExtentMap.of(vg).used(pvId)) {
        if (u.end() > count) {
          throw new AllocationException(
              dev + ": cannot resize to " + count + " extents as later ones are allocated.");
        }
      }
    }
    return vg.withPv(pv.withSize(newDevSize, count));
  }
}
