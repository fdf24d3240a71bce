package io.clvm.dm.lvm;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.LinearTarget;
import io.clvm.dm.table.StripedTarget;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.TargetLine;
import io.clvm.dm.table.TargetParams;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * An LV's device-mapper name, UUID and table exactly as lvm2 2.03 loads them ({@code
 * dev_manager.c}, {@code striped.c}, {@code libdm-deptree.c}):
 *
 * <ul>
 *   <li>name {@code <vg>-<lv>}, every {@code -} inside either name doubled ({@code vg-b/data-span}
 *       is {@code vg--b-data--span});
 *   <li>UUID {@code LVM-} + VG UUID + LV UUID, both without dashes;
 *   <li>one line per segment, in sectors: start {@code start_extent × extent_size}, length {@code
 *       extent_count × extent_size}; one stripe gives {@code linear <maj:min> <offset>}, several
 *       give {@code striped <n> <stripe_size> <maj:min> <offset>…}, where each offset is {@code
 *       pe_start + start_pe × extent_size} on that PV.
 * </ul>
 *
 * Segment types clvm does not implement are refused (the model's {@code
 * UnsupportedSegmentException}), never approximated.
 */
public final class LvmTables {
  private LvmTables() {}

  /** lvm2's dm name for {@code vg/lv}. */
  public static DmName dmName(String vg, String lv) {
    return DmName.of(escape(vg) + "-" + escape(lv));
  }

  /** lvm2's dm name for a layer of {@code vg/lv} (e.g. {@code real}, {@code _tdata}). */
  public static DmName dmName(String vg, String lv, String layer) {
    String base = escape(vg) + "-" + escape(lv);
    return DmName.of(layer.startsWith("_") ? base + layer : base + "-" + escape(layer));
  }

  /** lvm2's dm UUID for an LV. */
  public static DmUuid dmUuid(LvmUuid vg, LvmUuid lv) {
    return DmUuid.of("LVM-" + vg.raw() + lv.raw());
  }

  /** The device of {@code lv} in {@code vg}, with the PVs where {@code pvs} says. */
  public static LvDevice device(VolumeGroup vg, LogicalVolume lv, PvDevices pvs) {
    return new LvDevice(
        vg.name(),
        lv.name(),
        dmName(vg.name(), lv.name()),
        dmUuid(vg.id(), lv.id()),
        table(vg, lv, pvs));
  }

  /** The table of {@code lv}: one line per segment. */
  public static Table table(VolumeGroup vg, LogicalVolume lv, PvDevices pvs) {
    long extent = vg.extentSize();
    List<TargetLine> lines = new ArrayList<>();
    for (StripedSegment seg : lv.stripedSegments("activate", vg.name())) {
      Sectors start = Sectors.of(Math.multiplyExact(seg.startExtent(), extent));
      Sectors length = Sectors.of(Math.multiplyExact(seg.extentCount(), extent));
      TargetParams target;
      if (seg.isLinear()) {
        Stripe s = seg.stripes().get(0);
        target = new LinearTarget(device(vg, lv, s, pvs), offset(vg, lv, s));
      } else {
        List<StripedTarget.Stripe> stripes = new ArrayList<>();
        for (Stripe s : seg.stripes()) {
          stripes.add(new StripedTarget.Stripe(device(vg, lv, s, pvs), offset(vg, lv, s)));
        }
        target = new StripedTarget(Sectors.of(seg.stripeSize()), stripes);
      }
      lines.add(new TargetLine(start, length, target));
    }
    return new Table(lines);
  }

  private static Sectors offset(VolumeGroup vg, LogicalVolume lv, Stripe s) {
    PhysicalVolume pv = pv(vg, lv, s);
    return Sectors.of(
        Math.addExact(pv.peStart(), Math.multiplyExact(s.startExtent(), vg.extentSize())));
  }

  private static DeviceNumber device(VolumeGroup vg, LogicalVolume lv, Stripe s, PvDevices pvs) {
    PhysicalVolume pv = pv(vg, lv, s);
    return pvs.deviceOf(pv.id())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot activate "
                        + vg.name()
                        + "/"
                        + lv.name()
                        + ": PV "
                        + pv.id().dashed()
                        + (pv.device() == null ? "" : " (last seen as " + pv.device() + ")")
                        + " is missing on this host"));
  }

  private static PhysicalVolume pv(VolumeGroup vg, LogicalVolume lv, Stripe s) {
    return vg.pv(s.pv())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    vg.name()
                        + "/"
                        + lv.name()
                        + " uses PV "
                        + s.pv().dashed()
                        + " not in the VG"));
  }

  private static String escape(String name) {
    return name.replace("-", "--");
  }
}
