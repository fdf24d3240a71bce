package io.clvm.format.alloc;

import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VolumeGroup;

/**
 * pvresize on the model, as lvm2 2.03's {@code _pv_resize} and {@code _text_pv_resize} compute it:
 * growing always works, shrinking only while no allocated extent lies beyond the new end (lvm2 does
 * not move data).
 *
 * <p>lvm2 records as the PV's {@code dev_size} not the device's size but what is left after the
 * data area's start and a second metadata area at the end: {@code size - pe_start - mda1}
 * (measured: a 100 MiB device with pe_start 1 MiB and a 1 MiB mda1 gets {@code dev_size = 200704}
 * sectors, 98 MiB; without mda1, 202752). clvm writes the same, so that both tools leave the same
 * text.
 */
public final class PvResize {
  /** lvm2's {@code pv_min_size()}: 2 MiB in sectors. */
  public static final long MIN_SIZE = 4096;

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

  /** The VG with the PV resized; {@code pv.device()} (or its UUID) names it in messages. */
  public static VolumeGroup resize(
      VolumeGroup vg, LvmUuid pvId, long newDevSize, long reservedAtEnd) {
    PhysicalVolume pv = pvOf(vg, pvId);
    return resize(
        vg, pvId, pv.device() == null ? pvId.toString() : pv.device(), newDevSize, reservedAtEnd);
  }

  /**
   * The VG with the PV resized, checked in lvm2's order with lvm2's messages.
   *
   * @param dev the device's name for messages
   * @param newDevSize the device's new size in sectors
   * @param reservedAtEnd sectors of a second metadata area at the new end, 0 if none
   * @throws AllocationException when shrinking would cut off allocated extents
   * @throws IllegalArgumentException when the size is too small for the PV
   */
  public static VolumeGroup resize(
      VolumeGroup vg, LvmUuid pvId, String dev, long newDevSize, long reservedAtEnd) {
    PhysicalVolume pv = pvOf(vg, pvId);
    if (newDevSize < MIN_SIZE) {
      throw new IllegalArgumentException(
          "Size must exceed minimum of " + MIN_SIZE + " sectors on PV " + dev + ".");
    }
    if (newDevSize < pv.peStart()) {
      throw new IllegalArgumentException(
          "Size must exceed physical extent start of "
              + pv.peStart()
              + " sectors on PV "
              + dev
              + ".");
    }
    long recorded = Math.max(0, newDevSize - pv.peStart() - reservedAtEnd);
    long count = recorded / vg.extentSize();
    if (count == 0) {
      throw new IllegalArgumentException(
          "Size must leave space for at least one physical extent of "
              + vg.extentSize()
              + " sectors on PV "
              + dev
              + ".");
    }
    if (count < pv.peCount()) {
      long allocated = 0;
      for (UsedArea u : ExtentMap.of(vg).used(pvId)) {
        allocated += u.end() - u.start();
      }
      if (count < allocated) {
        throw new AllocationException(
            dev + ": cannot resize to " + count + " extents as " + allocated + " are allocated.");
      }
      for (UsedArea u : ExtentMap.of(vg).used(pvId)) {
        if (u.end() > count) {
          throw new AllocationException(
              dev + ": cannot resize to " + count + " extents as later ones are allocated.");
        }
      }
    }
    return vg.withPv(pv.withSize(recorded, count));
  }

  private static PhysicalVolume pvOf(VolumeGroup vg, LvmUuid pvId) {
    return vg.pv(pvId)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Physical volume " + pvId + " is not in volume group " + vg.name()));
  }
}
