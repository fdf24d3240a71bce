package io.clvm.engine;

import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportRow;
import io.clvm.format.alloc.UsedArea;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.store.PvScan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a scan into the rows of one report, selecting what the command line names. */
final class ReportRows {
  private ReportRows() {}

  static Engine.Rows build(
      Scan scan,
      ReportKind kind,
      List<String> names,
      boolean all,
      Console console,
      KernelState kernel)
      throws EngineException {
    switch (kind) {
      case VGS:
        return vgs(scan, names, console);
      case LVS:
      case SEGS:
        return lvs(scan, kind, names, all, console, kernel);
      default:
        return pvs(scan, kind, names, console, kernel);
    }
  }

  private static Engine.Rows vgs(Scan scan, List<String> names, Console console)
      throws EngineException {
    List<ReportRow> rows = new ArrayList<>();
    boolean failed = false;
    List<String> wanted = names.isEmpty() ? scan.visibleVgNames(console) : dedup(names);
    for (String name : wanted) {
      VgState st = readOrReport(scan, Args.vgOf(name), console);
      if (st == null) {
        failed = true;
        continue;
      }
      rows.add(new ModelRow(st, null, null, null, null, null));
    }
    return new Engine.Rows(rows, failed);
  }

  private static Engine.Rows lvs(
      Scan scan,
      ReportKind kind,
      List<String> names,
      boolean all,
      Console console,
      KernelState kernel)
      throws EngineException {
    // Which LVs of which VG: a bare VG name means all of its LVs.
    Map<String, Set<String>> wanted = new LinkedHashMap<>();
    if (names.isEmpty()) {
      scan.visibleVgNames(console).forEach(v -> wanted.put(v, null));
    } else {
      for (String n : names) {
        String vg = Args.vgOf(n);
        String lv = Args.lvOf(n);
        if (lv == null) {
          wanted.put(vg, null);
        } else if (!wanted.containsKey(vg) || wanted.get(vg) != null) {
          wanted.computeIfAbsent(vg, k -> new LinkedHashSet<>()).add(lv);
        }
      }
    }
    List<ReportRow> rows = new ArrayList<>();
    boolean failed = false;
    for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
      VgState st = readOrReport(scan, e.getKey(), console);
      if (st == null) {
        failed = true;
        continue;
      }
      if (e.getValue() != null) {
        for (String lvName : e.getValue()) {
          if (st.vg().lv(lvName).isEmpty()) {
            console.error("Failed to find logical volume \"" + e.getKey() + "/" + lvName + "\"");
            failed = true;
          }
        }
      }
      for (LogicalVolume lv : st.vg().lvs()) {
        // lvm2 reports a hidden LV with -a or when it is named explicitly.
        boolean named = e.getValue() != null && e.getValue().contains(lv.name());
        if ((e.getValue() != null && !named) || (!lv.visible() && !all && !named)) {
          continue;
        }
        if (kind == ReportKind.SEGS) {
          for (Segment s : lv.segments()) {
            rows.add(new ModelRow(st, null, null, lv, s, null).kernel(kernel));
          }
        } else {
          rows.add(new ModelRow(st, null, null, lv, null, null).kernel(kernel));
        }
      }
    }
    return new Engine.Rows(rows, failed);
  }

  private static Engine.Rows pvs(
      Scan scan, ReportKind kind, List<String> names, Console console, KernelState kernel)
      throws EngineException {
    List<ReportRow> rows = new ArrayList<>();
    Set<String> found = new LinkedHashSet<>();
    for (String vgName : scan.visibleVgNames(console)) {
      VgState st;
      try {
        st = scan.read(vgName, console);
      } catch (EngineException e) {
        console.error(e.getMessage());
        continue;
      }
      for (PhysicalVolume pv : st.vg().pvs()) {
        String dev = st.deviceName(pv);
        if (!names.isEmpty() && !names.contains(dev)) {
          continue;
        }
        found.add(dev);
        PvScan ps = st.scan(pv);
        if (kind == ReportKind.PVSEGS) {
          for (UsedArea a : st.extents().pvSegments(pv.id())) {
            LogicalVolume lv = a.lvName().isEmpty() ? null : st.vg().lv(a.lvName()).orElse(null);
            Segment seg = lv == null ? null : segmentAt(lv, a.segmentStart());
            rows.add(new ModelRow(st, pv, ps, lv, seg, a).kernel(kernel));
          }
        } else {
          rows.add(new ModelRow(st, pv, ps, null, null, null));
        }
      }
    }
    for (PvScan orphan : scan.orphans(console)) {
      String dev = orphan.device().name();
      if (!names.isEmpty() && !names.contains(dev)) {
        continue;
      }
      found.add(dev);
      rows.add(new ModelRow(null, null, orphan, null, null, null));
    }
    boolean failed = false;
    for (String n : names) {
      if (!found.contains(n)) {
        console.error("Failed to find physical volume \"" + n + "\".");
        failed = true;
      }
    }
    return new Engine.Rows(rows, failed);
  }

  private static Segment segmentAt(LogicalVolume lv, long start) {
    for (Segment s : lv.segments()) {
      if (s.startExtent() == start) {
        return s;
      }
    }
    return null;
  }

  private static VgState readOrReport(Scan scan, String vgName, Console console) {
    try {
      return scan.read(vgName, console);
    } catch (ForeignVgException e) {
      console.error(e.getMessage());
      return null;
    } catch (EngineException e) {
      console.error(e.getMessage());
      console.error("Cannot process volume group " + vgName);
      return null;
    }
  }

  private static List<String> dedup(List<String> names) {
    return new ArrayList<>(new LinkedHashSet<>(names));
  }
}
