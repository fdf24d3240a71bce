package io.clvm.format.alloc;

import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.OpaqueSegment;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which physical extents of each PV are used, by whom, and which are free: lvm2's per-PV segment
 * list. Built from a VG in one pass; checks on the way that no extent is used twice and that no
 * area lies beyond its PV's {@code pe_count}.
 *
 * <p>PVs named by opaque segments are reported as {@link #reservedPvs()}: clvm cannot tell which of
 * their extents such a segment uses, so the allocator does not touch them.
 */
public final class ExtentMap {
  private final Map<LvmUuid, List<UsedArea>> used;
  private final Map<LvmUuid, List<PvArea>> free;
  private final Map<LvmUuid, Long> peCount;
  private final Set<LvmUuid> reserved;

  private ExtentMap(
      Map<LvmUuid, List<UsedArea>> used,
      Map<LvmUuid, List<PvArea>> free,
      Map<LvmUuid, Long> peCount,
      Set<LvmUuid> reserved) {
    this.used = used;
    this.free = free;
    this.peCount = peCount;
    this.reserved = reserved;
  }

  /**
   * The map of {@code vg}.
   *
   * @throws IllegalStateException when an extent is used twice or an area lies outside its PV
   *     (corrupt metadata: lvm2 refuses such a VG too)
   */
  public static ExtentMap of(VolumeGroup vg) {
    Map<LvmUuid, List<UsedArea>> used = new LinkedHashMap<>();
    Map<LvmUuid, Long> counts = new LinkedHashMap<>();
    for (PhysicalVolume pv : vg.pvs()) {
      used.put(pv.id(), new ArrayList<>());
      counts.put(pv.id(), pv.peCount());
    }
    Set<LvmUuid> reserved = new HashSet<>();
    for (LogicalVolume lv : vg.lvs()) {
      for (Segment s : lv.segments()) {
        if (s instanceof OpaqueSegment o) {
          reserved.addAll(o.referencedPvs());
          continue;
        }
        StripedSegment st = (StripedSegment) s;
        for (Stripe area : st.stripes()) {
          List<UsedArea> l = used.get(area.pv());
          if (l == null) {
            throw new IllegalStateException(
                "LV " + lv.name() + " uses PV " + area.pv() + " which is not in VG " + vg.name());
          }
          l.add(
              new UsedArea(
                  area.pv(), area.startExtent(), st.areaLength(), lv.name(), s.startExtent()));
        }
      }
    }
    Map<LvmUuid, List<PvArea>> free = new LinkedHashMap<>();
    for (Map.Entry<LvmUuid, List<UsedArea>> e : used.entrySet()) {
      List<UsedArea> l = e.getValue();
      l.sort(Comparator.comparingLong(UsedArea::start));
      long pe = counts.get(e.getKey());
      List<PvArea> f = new ArrayList<>();
      long next = 0;
      UsedArea prev = null;
      for (UsedArea u : l) {
        if (u.start() < next) {
          throw new IllegalStateException(
              "Physical extent "
                  + u.start()
                  + " of PV "
                  + e.getKey()
                  + " is used by both "
                  + prev.lvName()
                  + " and "
                  + u.lvName());
        }
        if (u.end() > pe) {
          throw new IllegalStateException(
              "LV "
                  + u.lvName()
                  + " uses extents "
                  + u.start()
                  + "-"
                  + (u.end() - 1)
                  + " beyond the "
                  + pe
                  + " extents of PV "
                  + e.getKey());
        }
        if (u.start() > next) {
          f.add(new PvArea(e.getKey(), next, u.start() - next));
        }
        next = u.end();
        prev = u;
      }
      if (pe > next) {
        f.add(new PvArea(e.getKey(), next, pe - next));
      }
      e.setValue(Collections.unmodifiableList(l));
      free.put(e.getKey(), Collections.unmodifiableList(f));
    }
    return new ExtentMap(used, free, counts, Set.copyOf(reserved));
  }

  /** Used areas of a PV, in physical order. */
  public List<UsedArea> used(LvmUuid pv) {
    return used.getOrDefault(pv, List.of());
  }

  /** Free areas of a PV, in physical order. */
  public List<PvArea> free(LvmUuid pv) {
    return free.getOrDefault(pv, List.of());
  }

  public long usedExtents(LvmUuid pv) {
    long n = 0;
    for (UsedArea u : used(pv)) {
      n += u.count();
    }
    return n;
  }

  public long freeExtents(LvmUuid pv) {
    long n = 0;
    for (PvArea a : free(pv)) {
      n += a.count();
    }
    return n;
  }

  /** Free extents of the whole VG ({@code vg_free_count}). */
  public long freeExtents() {
    long n = 0;
    for (LvmUuid pv : free.keySet()) {
      n += freeExtents(pv);
    }
    return n;
  }

  public long peCount(LvmUuid pv) {
    return peCount.getOrDefault(pv, 0L);
  }

  /** PVs an opaque segment refers to; the allocator leaves them alone. */
  public Set<LvmUuid> reservedPvs() {
    return reserved;
  }

  /**
   * Used and free areas of a PV merged in physical order, as {@code pvs --segments} lists them
   * (free areas have an empty LV name).
   */
  public List<UsedArea> pvSegments(LvmUuid pv) {
    List<UsedArea> out = new ArrayList<>(used(pv));
    for (PvArea f : free(pv)) {
      out.add(new UsedArea(pv, f.start(), f.count(), "", 0));
    }
    out.sort(Comparator.comparingLong(UsedArea::start));
    return out;
  }
}
