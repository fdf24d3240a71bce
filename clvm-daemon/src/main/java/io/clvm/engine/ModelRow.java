package io.clvm.engine;

import io.clvm.dm.DeviceInfo;
import io.clvm.engine.report.FieldDef;
import io.clvm.engine.report.ReportRow;
import io.clvm.engine.report.Value;
import io.clvm.format.alloc.UsedArea;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvFlag;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.PvFlag;
import io.clvm.format.model.Segment;
import io.clvm.format.model.VgFlag;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.report.ActivationState;
import io.clvm.format.report.LvReport;
import io.clvm.format.report.PvReport;
import io.clvm.format.report.VgReport;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.PvScan;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * One report row over the metadata model: a VG, an LV of it, a segment, a PV or a PV segment.
 * Fields clvm has nothing to say about return null, and the report prints lvm2's value for a plain
 * linear LV on a host without device-mapper.
 */
final class ModelRow implements ReportRow {
  private final VgState state;
  private final PhysicalVolume pv;
  private final PvScan pvScan;
  private final LogicalVolume lv;
  private final Segment seg;
  private final UsedArea pvSeg;
  private KernelState kernel = KernelState.disabled();

  ModelRow(
      VgState state,
      PhysicalVolume pv,
      PvScan pvScan,
      LogicalVolume lv,
      Segment seg,
      UsedArea pvSeg) {
    this.state = state;
    this.pv = pv;
    this.pvScan = pvScan;
    this.lv = lv;
    this.seg = seg;
    this.pvSeg = pvSeg;
  }

  /** The device-mapper state the LV fields report. */
  ModelRow kernel(KernelState k) {
    this.kernel = k;
    return this;
  }

  @Override
  public Value value(FieldDef field) {
    switch (field.object()) {
      case VG:
        return state == null ? orphanVg(field) : vg(field.id(), state.vg());
      case LV:
        return lv == null ? freeLv(field) : lv(field.id(), state.vg(), lv);
      case SEG:
        return seg == null ? freeSeg(field) : seg(field.id(), state.vg(), seg);
      case PV:
        return pv(field.id());
      case PVSEG:
        return pvSeg(field.id());
      default:
        return null;
    }
  }

  /** lvm2's values for the VG fields of an orphan PV (its "#orphans_lvm2" pseudo-VG). */
  private static Value orphanVg(FieldDef field) {
    switch (field.id()) {
      case "vg_fmt":
        return Value.text("lvm2");
      case "vg_attr":
        return Value.text("r-----");
      case "vg_permissions":
        return Value.text("read-only");
      case "vg_allocation_policy":
        return Value.text("unknown");
      case "vg_autoactivation":
      case "vg_mda_copies":
        return null;
      default:
        return zero(field);
    }
  }

  /** lvm2's values for the LV fields of a free PV segment (no LV). */
  private Value freeLv(FieldDef field) {
    String vgName = state == null ? "" : state.vg().name();
    switch (field.id()) {
      case "lv_full_name":
        return Value.text(vgName + "/");
      case "lv_path":
        return Value.text("/dev/" + vgName + "/");
      case "lv_dm_path":
        return Value.text("/dev/mapper/" + vgName.replace("-", "--") + "-");
      case "lv_layout":
      case "lv_allocation_policy":
        return Value.text("unknown");
      case "lv_role":
        return Value.text("public");
      case "lv_major":
      case "lv_minor":
        return Value.num(-1);
      case "lv_read_ahead":
      case "lv_size":
      case "seg_count":
        return zero(field);
      default:
        return field.fallback().isEmpty()
                || field.fallback().equals("unknown")
                || field.fallback().equals("-1")
                || field.fallback().equals("enabled")
            ? null
            : Value.text("");
    }
  }

  /** lvm2's values for the segment fields of a free PV segment: type "free", its own size. */
  private Value freeSeg(FieldDef field) {
    long extent = state == null ? 0 : state.vg().extentSize() * 512;
    long count = pvSeg == null ? 0 : pvSeg.count();
    switch (field.id()) {
      case "segtype":
        return Value.text("free");
      case "parity_chunks":
        return Value.text("4294967295");
      case "seg_size":
        return Value.size(count * extent);
      case "seg_size_pe":
        return Value.num(count);
      case "stripes":
      case "data_stripes":
      case "stripe_size":
      case "region_size":
      case "chunk_size":
      case "seg_start":
      case "seg_start_pe":
        return zero(field);
      case "zero":
        return null;
      default:
        return Value.text("");
    }
  }

  private static Value zero(FieldDef field) {
    switch (field.type()) {
      case SIZ:
        return Value.size(0);
      case NUM:
        return field.fallback().matches("-?\\d+") ? Value.num(0) : Value.text("");
      default:
        return Value.text("");
    }
  }

  private Value vg(String id, VolumeGroup vg) {
    switch (id) {
      case "vg_fmt":
        return Value.text("lvm2");
      case "vg_uuid":
        return Value.text(vg.id().dashed());
      case "vg_name":
        return Value.text(vg.name());
      case "vg_attr":
        return Value.text(VgReport.vgAttr(vg));
      case "vg_permissions":
        return Value.text(VgReport.vgPermissions(vg));
      case "vg_extendable":
        return Value.text(VgReport.vgExtendable(vg));
      case "vg_exported":
        return Value.text(vg.flags().contains(VgFlag.EXPORTED) ? "exported" : "");
      case "vg_partial":
        return Value.text(VgReport.vgMissingPvCount(vg) > 0 ? "partial" : "");
      case "vg_allocation_policy":
        return Value.text(vg.allocationPolicy().word());
      case "vg_clustered":
        return Value.text(vg.flags().contains(VgFlag.CLUSTERED) ? "clustered" : "");
      case "vg_shared":
        return Value.text(VgReport.vgShared(vg) ? "shared" : "");
      case "vg_size":
        return Value.size(VgReport.vgSize(vg));
      case "vg_free":
        return Value.size(VgReport.vgFree(vg, state.extents()));
      case "vg_sysid":
      case "vg_systemid":
        return Value.text(VgReport.vgSystemId(vg));
      case "vg_lock_type":
        return Value.text(nz(vg.lockType()));
      case "vg_lock_args":
        return Value.text(nz(vg.lockArgs()));
      case "vg_extent_size":
        return Value.size(VgReport.vgExtentSize(vg));
      case "vg_extent_count":
        return Value.num(vg.extentCount());
      case "vg_free_count":
        return Value.num(state.extents().freeExtents());
      case "max_lv":
        return Value.num(vg.maxLv());
      case "max_pv":
        return Value.num(vg.maxPv());
      case "pv_count":
        return Value.num(VgReport.pvCount(vg));
      case "vg_missing_pv_count":
        return Value.num(VgReport.vgMissingPvCount(vg));
      case "lv_count":
        return Value.num(VgReport.lvCount(vg));
      case "snap_count":
        return Value.num(0);
      case "vg_seqno":
        return Value.num(vg.seqno());
      case "vg_tags":
        return sorted(vg.tags());
      case "vg_profile":
        return Value.text(nz(vg.profile()));
      case "vg_mda_count":
        return Value.num(mdaAreas(true).size());
      case "vg_mda_used_count":
        return Value.num(mdaAreas(false).size());
      case "vg_mda_free":
        {
          long min = -1;
          for (AreaScan a : mdaAreas(false)) {
            long f = VgState.mdaFree(a, state.textSize());
            min = min < 0 ? f : Math.min(min, f);
          }
          return Value.size(Math.max(0, min));
        }
      case "vg_mda_size":
        {
          long min = -1;
          for (AreaScan a : mdaAreas(true)) {
            min = min < 0 ? a.locn().size() : Math.min(min, a.locn().size());
          }
          return Value.size(Math.max(0, min));
        }
      case "vg_mda_copies":
        return Value.text(VgReport.vgMdaCopies(vg));
      default:
        return null;
    }
  }

  /** The metadata areas on the VG's PVs: all of them, or only those in use. */
  private List<AreaScan> mdaAreas(boolean all) {
    List<AreaScan> out = new ArrayList<>();
    for (PhysicalVolume p : state.vg().pvs()) {
      PvScan s = state.scan(p);
      if (s == null) {
        continue;
      }
      for (AreaScan a : s.areas()) {
        if (all || a.inUse()) {
          out.add(a);
        }
      }
    }
    return out;
  }

  private Value lv(String id, VolumeGroup vg, LogicalVolume l) {
    switch (id) {
      case "lv_uuid":
        return Value.text(l.id().dashed());
      case "lv_name":
        return Value.text(l.visible() ? l.name() : "[" + l.name() + "]");
      case "lv_full_name":
        return Value.text(LvReport.lvFullName(vg, l));
      case "lv_path":
        return Value.text(LvReport.lvPath(vg, l));
      case "lv_dm_path":
        return Value.text(LvReport.lvDmPath(vg, l));
      case "lv_layout":
        return Value.text(LvReport.lvLayout(l));
      case "lv_role":
        return Value.text(LvReport.lvRole(l));
      case "lv_allocation_policy":
        return Value.text(LvReport.lvAllocationPolicy(l));
      case "lv_allocation_locked":
        return Value.text(l.flags().contains(LvFlag.LOCKED) ? "allocation locked" : "");
      case "lv_fixed_minor":
        return Value.text(l.flags().contains(LvFlag.FIXED_MINOR) ? "fixed minor" : "");
      case "lv_skip_activation":
        return Value.text(l.flags().contains(LvFlag.ACTIVATION_SKIP) ? "skip activation" : "");
      case "lv_major":
        return Value.num(l.major());
      case "lv_minor":
        return Value.num(l.minor());
      case "lv_read_ahead":
        {
          String ra = LvReport.lvReadAhead(l);
          return ra.equals("auto") ? Value.text(ra) : Value.size(Long.parseLong(ra));
        }
      case "lv_size":
        return Value.size(LvReport.lvSize(vg, l));
      case "seg_count":
        return Value.num(LvReport.segCount(l));
      case "lv_tags":
        return sorted(l.tags());
      case "lv_profile":
        return Value.text(nz(l.profile()));
      case "lv_lockargs":
        return Value.text(nz(l.lockArgs()));
      case "lv_time":
        return Value.text(LvReport.lvTime(l, ZoneId.systemDefault()));
      case "lv_host":
        return Value.text(LvReport.lvHost(l));
      case "lv_attr":
        return Value.text(lvAttr(vg, l));
      case "lv_permissions":
        return lvPermissions(vg, l);
      default:
        return kernelField(id, vg, l);
    }
  }

  /**
   * lv_attr with its 5th (state) and 6th (open) characters from device-mapper, as lvm2's {@code
   * lv_attr_dup_with_info_and_seg_status}: s(uspended), a(ctive), i(nactive table only), d(evice
   * without tables), o(pen); {@code XX} when device-mapper could not be asked.
   */
  private String lvAttr(VolumeGroup vg, LogicalVolume l) {
    if (!kernel.known()) {
      return LvReport.lvAttr(vg, l, ActivationState.UNKNOWN);
    }
    char[] a = LvReport.lvAttr(vg, l, ActivationState.INACTIVE).toCharArray();
    kernel
        .device(vg, l)
        .ifPresent(
            d -> {
              DeviceInfo i = d.info();
              a[4] = i.suspended() ? 's' : i.liveTable() ? 'a' : i.inactiveTable() ? 'i' : 'd';
              a[5] = i.openCount() > 0 ? 'o' : '-';
            });
    return new String(a);
  }

  /** lvm2's lv_permissions: a writable LV's kernel permission, else "read-only". */
  private Value lvPermissions(VolumeGroup vg, LogicalVolume l) {
    if (!l.flags().contains(LvFlag.WRITE)) {
      return Value.text(l.flags().contains(LvFlag.READ) ? "read-only" : "unknown");
    }
    return kernel
        .device(vg, l)
        .map(d -> Value.text(d.info().readOnly() ? "read-only-override" : "writeable"))
        .orElse(Value.text("unknown"));
  }

  /** The fields lvm2 takes from device-mapper; null (lvm2's "unknown" value) when not asked. */
  private Value kernelField(String id, VolumeGroup vg, LogicalVolume l) {
    switch (id) {
      case "lv_active":
        return kernel.source() == KernelState.Source.DISABLED
            ? null
            : Value.text(kernel.device(vg, l).isPresent() ? "active" : "");
      case "lv_active_locally":
      case "lv_active_exclusively":
        if (kernel.source() == KernelState.Source.DISABLED) {
          return null;
        }
        return Value.text(
            kernel.device(vg, l).isEmpty()
                ? ""
                : id.equals("lv_active_locally") ? "active locally" : "active exclusively");
      case "lv_active_remotely":
        return kernel.source() == KernelState.Source.DISABLED ? null : Value.text("");
      case "lv_device_open":
        return kernel
            .device(vg, l)
            .map(d -> Value.text(d.info().openCount() > 0 ? "open" : ""))
            .orElse(null);
      case "lv_suspended":
        return kernel
            .device(vg, l)
            .map(d -> Value.text(d.info().suspended() ? "suspended" : ""))
            .orElse(null);
      case "lv_live_table":
        return kernel
            .device(vg, l)
            .map(d -> Value.text(d.info().liveTable() ? "live table present" : ""))
            .orElse(null);
      case "lv_inactive_table":
        return kernel
            .device(vg, l)
            .map(d -> Value.text(d.info().inactiveTable() ? "inactive table present" : ""))
            .orElse(null);
      case "lv_kernel_major":
      case "lv_kernel_minor":
        return kernel
            .device(vg, l)
            .filter(d -> d.info().device() != null)
            .map(
                d ->
                    Value.num(
                        id.equals("lv_kernel_major")
                            ? d.info().device().major()
                            : d.info().device().minor()))
            .orElse(null);
      case "lv_kernel_read_ahead":
        return kernel
            .device(vg, l)
            .filter(d -> d.readAheadSectors() >= 0)
            .map(d -> Value.size(d.readAheadSectors() * 512))
            .orElse(null);
      default:
        return null;
    }
  }

  private Value seg(String id, VolumeGroup vg, Segment s) {
    long extent = vg.extentSize() * 512;
    switch (id) {
      case "segtype":
        return Value.text(LvReport.segtype(s));
      case "stripes":
      case "data_stripes":
        return Value.num(LvReport.stripes(s));
      case "stripe_size":
        return Value.size(LvReport.stripeSize(s));
      case "region_size":
      case "chunk_size":
        return Value.size(0);
      case "seg_start":
        return Value.size(s.startExtent() * extent);
      case "seg_start_pe":
        return Value.num(s.startExtent());
      case "seg_size":
        return Value.size(LvReport.segSize(vg, s));
      case "seg_size_pe":
        return Value.num(s.extentCount());
      case "seg_pe_ranges":
        return Value.text(LvReport.segPeRanges(vg, s, state::deviceName));
      case "seg_le_ranges":
        return Value.text(LvReport.segLeRanges(vg, s, state::deviceName));
      case "devices":
        return Value.text(LvReport.devices(vg, s, state::deviceName));
      default:
        return null;
    }
  }

  private Value pv(String id) {
    PvHeader header = pvScan == null ? null : pvScan.label().map(l -> l.pvHeader()).orElse(null);
    switch (id) {
      case "pv_fmt":
        return Value.text("lvm2");
      case "pv_uuid":
        return Value.text(
            pv != null ? pv.id().dashed() : header == null ? "" : PvHeader.dashed(header.uuid()));
      case "dev_size":
        return Value.size(
            pvScan != null ? pvScan.device().size() : pv == null ? 0 : PvReport.devSize(pv));
      case "pv_name":
        return Value.text(pvScan != null ? pvScan.device().name() : state.deviceName(pv));
      case "pv_major":
      case "pv_minor":
        {
          long[] mm = pvScan == null ? null : Devices.majorMinor(pvScan.device().name());
          return Value.text(mm == null ? "-1" : Long.toString(mm[id.equals("pv_major") ? 0 : 1]));
        }
      case "pv_mda_free":
        {
          long min = -1;
          for (AreaScan a : areas()) {
            long f = VgState.mdaFree(a, state == null ? 0 : state.textSize());
            min = min < 0 ? f : Math.min(min, f);
          }
          return Value.size(Math.max(0, min));
        }
      case "pv_mda_size":
        {
          long min = -1;
          for (AreaScan a : areas()) {
            min = min < 0 ? a.locn().size() : Math.min(min, a.locn().size());
          }
          return Value.size(Math.max(0, min));
        }
      case "pv_ext_vsn":
        return Value.num(header == null ? 0 : header.extensionVersion());
      case "pe_start":
        return Value.size(
            pv != null ? PvReport.peStart(pv) : header == null ? 0 : header.dataStart());
      case "pv_size":
        return Value.size(pv != null ? PvReport.pvSize(state.vg(), pv) : pvScan.device().size());
      case "pv_free":
        return Value.size(
            pv != null ? PvReport.pvFree(state.vg(), state.extents(), pv) : pvScan.device().size());
      case "pv_used":
        return Value.size(pv != null ? PvReport.pvUsed(state.vg(), state.extents(), pv) : 0);
      case "pv_attr":
        return Value.text(pv != null ? PvReport.pvAttr(pv) : "---");
      case "pv_allocatable":
        return Value.text(pv != null ? PvReport.pvAllocatable(pv) : "");
      case "pv_exported":
        return Value.text(pv != null && pv.flags().contains(PvFlag.EXPORTED) ? "exported" : "");
      case "pv_missing":
        return Value.text(pv != null && pv.missing() ? "missing" : "");
      case "pv_pe_count":
        return Value.num(pv != null ? pv.peCount() : 0);
      case "pv_pe_alloc_count":
        return Value.num(pv != null ? PvReport.pvPeAllocCount(state.extents(), pv) : 0);
      case "pv_tags":
        return sorted(pv != null ? pv.tags() : List.of());
      case "pv_mda_count":
        return Value.num(areas().size());
      case "pv_mda_used_count":
        return Value.num(areas().stream().filter(AreaScan::inUse).count());
      case "pv_ba_start":
        return Value.size(pv != null ? PvReport.pvBaStart(pv) : 0);
      case "pv_ba_size":
        return Value.size(pv != null ? PvReport.pvBaSize(pv) : 0);
      case "pv_in_use":
        return Value.text(pv != null ? "used" : "");
      case "pv_device_id":
        return Value.text(pv != null ? nz(pv.deviceId()) : "");
      case "pv_device_id_type":
        return Value.text(pv != null ? nz(pv.deviceIdType()) : "");
      default:
        return null;
    }
  }

  private List<AreaScan> areas() {
    return pvScan == null ? List.of() : pvScan.areas();
  }

  private Value pvSeg(String id) {
    if (pvSeg == null) {
      return Value.num(0);
    }
    switch (id) {
      case "pvseg_start":
        return Value.num(pvSeg.start());
      case "pvseg_size":
        return Value.num(pvSeg.count());
      default:
        return null;
    }
  }

  private static Value sorted(List<String> words) {
    List<String> s = new ArrayList<>(words);
    s.sort(null);
    return Value.words(s);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
