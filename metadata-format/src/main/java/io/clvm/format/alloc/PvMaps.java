package io.clvm.format.alloc;

import io.clvm.format.model.LvmUuid;
import java.util.ArrayList;
import java.util.List;

/**
 * lvm2's {@code pv_map.c}: for each candidate PV, its free areas kept largest first. The order is
 * part of lvm2's behaviour (which area it picks), including its quirks: an area whose unreserved
 * part shrinks is moved behind the areas of equal or larger full size, and iteration continues from
 * its new place.
 */
final class PvMaps {
  /** A free area being considered; {@code unreserved} is what the current round has not claimed. */
  static final class Area {
    final LvmUuid pv;
    long start;
    long count;
    long unreserved;

    Area(LvmUuid pv, long start, long count) {
      this.pv = pv;
      this.start = start;
      this.count = count;
      this.unreserved = count;
    }

    @Override
    public String toString() {
      return pv.raw().substring(0, 6) + ":" + start + "+" + count + "(" + unreserved + ")";
    }
  }

  /** One PV's areas, largest first. */
  static final class PvMap {
    final LvmUuid pv;
    final List<Area> areas = new ArrayList<>();

    PvMap(LvmUuid pv) {
      this.pv = pv;
    }

    /** {@code _insert_area}: before the first area whose full count is smaller. */
    void insert(Area a, boolean reduced) {
      long key = reduced ? a.unreserved : a.count;
      int i = 0;
      while (i < areas.size() && !(key > areas.get(i).count)) {
        i++;
      }
      areas.add(i, a);
    }

    void remove(Area a) {
      for (int i = 0; i < areas.size(); i++) {
        if (areas.get(i) == a) {
          areas.remove(i);
          return;
        }
      }
    }

    /** {@code reinsert_changed_pv_area}. */
    void reinsert(Area a) {
      remove(a);
      insert(a, true);
    }

    /** {@code consume_pv_area}: the first {@code toGo} extents of {@code a} are used. */
    void consume(Area a, long toGo) {
      remove(a);
      if (toGo < a.count) {
        a.start += toGo;
        a.count -= toGo;
        a.unreserved = a.count;
        insert(a, false);
      }
    }

    /** The area after {@code a} in the current order, as a list walk that continues from it. */
    Area next(Area a) {
      for (int i = 0; i < areas.size(); i++) {
        if (areas.get(i) == a) {
          return i + 1 < areas.size() ? areas.get(i + 1) : null;
        }
      }
      return null;
    }

    Area first() {
      return areas.isEmpty() ? null : areas.get(0);
    }

    long freeExtents() {
      long n = 0;
      for (Area a : areas) {
        n += a.count;
      }
      return n;
    }
  }

  final List<PvMap> maps = new ArrayList<>();

  /** Maps for the candidate PVs, in the given order, from the VG's current free areas. */
  PvMaps(ExtentMap map, List<LvmUuid> pvOrder) {
    for (LvmUuid pv : pvOrder) {
      PvMap m = new PvMap(pv);
      for (PvArea a : map.free(pv)) {
        m.insert(new Area(pv, a.start(), a.count()), false);
      }
      maps.add(m);
    }
  }

  PvMap map(LvmUuid pv) {
    for (PvMap m : maps) {
      if (m.pv.equals(pv)) {
        return m;
      }
    }
    return null;
  }

  /** {@code pv_maps_size}: free extents of all candidate PVs. */
  long size() {
    long n = 0;
    for (PvMap m : maps) {
      n += m.freeExtents();
    }
    return n;
  }

  /** {@code _reset_unreserved}, with lvm2's walk-while-moving behaviour. */
  void resetUnreserved() {
    for (PvMap m : maps) {
      Area a = m.first();
      while (a != null) {
        if (a.unreserved != a.count) {
          a.unreserved = a.count;
          m.reinsert(a);
        }
        a = m.next(a);
      }
    }
  }
}
