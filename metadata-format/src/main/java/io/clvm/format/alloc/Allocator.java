package io.clvm.format.alloc;

import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A port of lvm2's extent allocator ({@code _allocate} and its helpers in {@code
 * lib/metadata/lv_manip.c}, lvm2 2.03) for striped and linear segments, so that clvm picks the same
 * physical extents as lvm2 for the same request. The structure (passes, rounds, flags, the
 * reservation array) follows lvm2's on purpose: its choices depend on these details.
 *
 * <p>In short: the policies are tried in lvm2's order up to the requested one (contiguous, cling,
 * normal, anywhere). A round offers one area per PV — the smallest area still big enough for the
 * whole per-stripe need, else the largest — sorts the offers by what they can give (stably, so
 * equal offers keep PV order) and takes the first {@code k}. Extending prefers the areas right
 * after the last segment (contiguous), then the PVs of the LV's first segment (lvm2's
 * maximise_cling checks the segment at logical extent 0), then PVs already used by this request.
 *
 * <p>Not ported: mirror logs, RAID metadata and parity areas, parallel areas (clvm allocates none
 * of these), and {@code cling_by_tags} (no tag list exists; lvm2 skips that pass too when {@code
 * allocation/cling_tag_list} is unset). Checked extent for extent against lvm2 2.03.16 by {@code
 * AllocatorOracleTest}.
 */
final class Allocator {
  /** One round's result: the same length on each stripe. */
  record Piece(List<Stripe> areas, long length) {}

  private static final int POSITIONAL_FILL = 1;
  private static final int CONTIGUOUS_TO_LVSEG = 2;
  private static final int CLING_TO_LVSEG = 4;
  private static final int CLING_TO_ALLOCED = 8;
  private static final int CAN_SPLIT = 16;
  private static final int AREA_COUNT_MATCHES = 32;

  private enum Use {
    PREFERRED,
    USE_AREA,
    NEXT_AREA,
    NEXT_PV
  }

  /** An entry of lvm2's {@code alloc_state->areas}: an area and what is reserved of it. */
  private record Slot(PvMaps.Area area, long used) {}

  private record Alloced(LvmUuid pv, long pe, long len) {}

  private final PvMaps pvms;
  private final int k;
  private final StripedSegment prev;
  private final StripedSegment first;
  private final List<List<Alloced>> alloced = new ArrayList<>();
  private final List<Piece> pieces = new ArrayList<>();
  private Slot[] slots;
  private int numPositional;
  private long allocated;
  private long total;

  /**
   * @param map the VG's extent map
   * @param pvOrder candidate PVs in lvm2's order (command line order, else VG order), already
   *     filtered to allocatable ones
   * @param stripes number of parallel areas
   * @param first the LV's first segment, or {@code null} for a new LV
   * @param prev the LV's last segment, or {@code null} for a new LV
   */
  Allocator(
      ExtentMap map,
      List<LvmUuid> pvOrder,
      int stripes,
      StripedSegment first,
      StripedSegment prev) {
    this.pvms = new PvMaps(map, pvOrder);
    this.k = stripes;
    this.first = first;
    this.prev = prev;
    for (int s = 0; s < stripes; s++) {
      alloced.add(new ArrayList<>());
    }
    this.slots = new Slot[pvOrder.size() + stripes + (prev == null ? 0 : prev.stripeCount()) + 4];
  }

  /**
   * Allocates {@code extents} logical extents (a multiple of the stripe count).
   *
   * @param approximate allocate what can be placed instead of failing (lvm2's approx_alloc, used
   *     for sizes given in percent)
   * @return the pieces in allocation order; with {@code approximate} possibly fewer extents
   * @throws AllocationException when the policy cannot place everything (lvm2's messages)
   */
  List<Piece> allocate(long extents, AllocationPolicy policy, String lvName, boolean approximate) {
    total = extents;
    boolean canSplit = policy != AllocationPolicy.CONTIGUOUS;
    AllocationPolicy last =
        policy == AllocationPolicy.CLING_BY_TAGS ? AllocationPolicy.CLING : policy;
    AllocationPolicy[] order = {
      AllocationPolicy.CONTIGUOUS,
      AllocationPolicy.CLING,
      AllocationPolicy.NORMAL,
      AllocationPolicy.ANYWHERE
    };
    for (AllocationPolicy pass : order) {
      if (pass.ordinal() > last.ordinal()) {
        break;
      }
      long old = allocated;
      if (!approximate && total - allocated > pvms.size()) {
        throw new AllocationException(
            "Insufficient free space: "
                + (total - allocated)
                + " extents needed, but only "
                + pvms.size()
                + " available");
      }
      maxParallelSpace(pass, initFlags(pass, canSplit), approximate);
      if (allocated == total || (!canSplit && allocated != old)) {
        break;
      }
    }
    if (allocated != total) {
      String contiguous = canSplit ? "" : "contiguous ";
      if (!approximate) {
        throw new AllocationException(
            "Insufficient suitable "
                + contiguous
                + "allocatable extents for logical volume "
                + lvName
                + ": "
                + (total - allocated)
                + " more required");
      }
      if (allocated == 0) {
        throw new AllocationException(
            "Insufficient suitable "
                + contiguous
                + "allocatable extents found for logical volume "
                + lvName
                + ".");
      }
    }
    return pieces;
  }

  /** {@code _init_alloc_parms}. */
  private int initFlags(AllocationPolicy pass, boolean canSplit) {
    int flags = 0;
    if (prev != null && k == prev.stripeCount()) {
      flags |= AREA_COUNT_MATCHES;
      if (pass == AllocationPolicy.CONTIGUOUS) {
        flags |= CONTIGUOUS_TO_LVSEG | POSITIONAL_FILL;
      } else if (pass == AllocationPolicy.CLING) {
        flags |= CLING_TO_LVSEG | POSITIONAL_FILL;
      }
    } else if (pass == AllocationPolicy.CLING) {
      // A cling allocation that follows a successful contiguous one must use the same PVs.
      flags |= CLING_TO_ALLOCED | POSITIONAL_FILL;
    }
    // maximise_cling: once something is allocated, further extents prefer the same PVs.
    if (pass == AllocationPolicy.NORMAL && allocated != total) {
      flags |= CLING_TO_ALLOCED;
    }
    if (canSplit) {
      flags |= CAN_SPLIT;
    }
    return flags;
  }

  /** {@code _find_max_parallel_space_for_one_policy}. */
  private void maxParallelSpace(AllocationPolicy pass, int flags, boolean approximate) {
    do {
      long old = allocated;
      someParallelSpace(pass, flags, total - allocated);
      if (old == allocated) {
        if (pass == AllocationPolicy.CLING
            && (flags & CLING_TO_LVSEG) != 0
            && (flags & POSITIONAL_FILL) != 0) {
          flags &= ~POSITIONAL_FILL;
        } else if (pass == AllocationPolicy.NORMAL && (flags & CLING_TO_ALLOCED) != 0) {
          flags &= ~CLING_TO_ALLOCED;
        } else {
          break;
        }
      } else if (pass == AllocationPolicy.NORMAL && (flags & CLING_TO_ALLOCED) == 0) {
        flags |= CLING_TO_ALLOCED;
      }
    } while (pass != AllocationPolicy.CONTIGUOUS
        && allocated != total
        && (flags & CAN_SPLIT) != 0
        && (!approximate || pvms.size() > 0));
  }

  /** {@code _find_some_parallel_space}: one round. */
  private void someParallelSpace(AllocationPolicy pass, int flags, long maxToAllocate) {
    Arrays.fill(slots, null);
    pvms.resetUnreserved();
    numPositional = 0;
    if ((flags & POSITIONAL_FILL) != 0) {
      if ((flags & (CONTIGUOUS_TO_LVSEG | CLING_TO_LVSEG)) != 0) {
        numPositional = prev.stripeCount();
      } else if ((flags & CLING_TO_ALLOCED) != 0) {
        numPositional = k;
      }
    }
    boolean anywhere = pass == AllocationPolicy.ANYWHERE;
    int ix = 0;
    int preferred = 0;
    int iteration = 0;
    int lastIx;
    do {
      lastIx = ix;
      for (PvMaps.PvMap m : pvms.maps) {
        if (m.areas.isEmpty()) {
          continue;
        }
        boolean skip = false;
        if (!anywhere && iteration > 0) {
          // On a second pass, avoid PVs already used in an uncommitted area.
          for (int s = 0; s < k; s++) {
            if (slots[s] != null && slots[s].area().pv.equals(m.pv)) {
              skip = true;
            }
          }
        }
        if (!skip) {
          boolean alreadyFound = false;
          PvMaps.Area a = m.first();
          while (a != null) {
            Use use = checkArea(pass, flags, a, maxToAllocate, alreadyFound, iteration);
            if (use == Use.PREFERRED) {
              preferred++;
              break;
            }
            if (use == Use.NEXT_PV) {
              break;
            }
            if (use == Use.USE_AREA) {
              // Except with anywhere, a later (smaller but big enough) area replaces the first.
              if (!alreadyFound || anywhere) {
                ix++;
                alreadyFound = true;
              }
              int slot = ix + numPositional - 1;
              long required = requiredExtents(m, a, slot, maxToAllocate, anywhere);
              reserve(slot, a, required);
            }
            a = m.next(a);
          }
        }
        if ((anywhere && ix + numPositional >= k)
            || (preferred == numPositional && numPositional == k)) {
          break;
        }
      }
    } while ((anywhere && lastIx != ix && ix < k)
        || (pass == AllocationPolicy.NORMAL
            && preferred > 0
            && preferred < numPositional
            && (flags & CLING_TO_ALLOCED) != 0
            && iteration++ == 0));

    if (preferred < numPositional && (flags & CLING_TO_ALLOCED) == 0 && ix == 0) {
      return;
    }
    if (ix + preferred < k) {
      return;
    }
    if (ix > 1) {
      // qsort by reserved amount, largest first; glibc's qsort is a stable merge sort.
      Arrays.sort(
          slots,
          numPositional,
          numPositional + ix,
          Comparator.comparingLong((Slot x) -> x == null ? 0 : x.used()).reversed());
    }
    if (preferred > 0 && preferred != numPositional) {
      // Fill gaps in the preferred areas from the sorted part.
      for (int s = 0; s < k; s++) {
        if (slots[s] == null) {
          slots[s] = slots[numPositional];
          slots[numPositional++] = null;
        }
      }
    }
    if (ix + numPositional < k) {
      return;
    }
    allocParallelArea(maxToAllocate);
  }

  /** {@code _check_pva}. */
  private Use checkArea(
      AllocationPolicy pass,
      int flags,
      PvMaps.Area a,
      long stillNeeded,
      boolean alreadyFound,
      int iteration) {
    if (a.unreserved == 0) {
      return Use.NEXT_AREA;
    }
    if (iteration > 0) {
      for (Slot s : slots) {
        if (s != null && s.area() == a) {
          return Use.NEXT_AREA;
        }
      }
    }
    boolean positional = (flags & POSITIONAL_FILL) != 0;
    if (iteration == 0
        && (flags & (CONTIGUOUS_TO_LVSEG | CLING_TO_LVSEG | CLING_TO_ALLOCED)) != 0) {
      if (((flags & CONTIGUOUS_TO_LVSEG) != 0 || (flags & AREA_COUNT_MATCHES) != 0)
          && contiguous(a, positional)) {
        return positional ? Use.PREFERRED : Use.USE_AREA;
      }
      if ((flags & CONTIGUOUS_TO_LVSEG) != 0) {
        return Use.NEXT_AREA;
      }
      if (((flags & CLING_TO_LVSEG) != 0 || (flags & AREA_COUNT_MATCHES) != 0)
          && cling(a, positional)) {
        return positional ? Use.PREFERRED : Use.USE_AREA;
      }
      if ((flags & CLING_TO_ALLOCED) != 0 && clingToAlloced(a, positional)) {
        return positional ? Use.PREFERRED : Use.USE_AREA;
      }
      return Use.NEXT_PV;
    }
    // Normal/anywhere: is it big enough on its own?
    if (a.unreserved * k < stillNeeded
        && ((flags & CAN_SPLIT) == 0 || (alreadyFound && pass != AllocationPolicy.ANYWHERE))) {
      return Use.NEXT_PV;
    }
    return positional ? Use.PREFERRED : Use.USE_AREA;
  }

  /** {@code _check_contiguous}: the area starts right after a stripe of the last segment. */
  private boolean contiguous(PvMaps.Area a, boolean positional) {
    List<Stripe> st = prev.stripes();
    for (int s = 0; s < st.size(); s++) {
      if (positional && slots[s] != null) {
        continue;
      }
      Stripe x = st.get(s);
      if (!x.pv().equals(a.pv) || x.startExtent() + prev.areaLength() != a.start) {
        continue;
      }
      if (positional && s >= numPositional) {
        continue;
      }
      if (positional) {
        reserve(s, a, a.count);
      }
      return true;
    }
    return false;
  }

  /**
   * {@code _check_cling} with maximise_cling: the area is on a PV of the LV's segment at logical
   * extent 0 (lvm2 walks only that segment).
   */
  private boolean cling(PvMaps.Area a, boolean positional) {
    List<Stripe> st = first.stripes();
    for (int s = 0; s < st.size(); s++) {
      if (positional && slots[s] != null) {
        continue;
      }
      if (!st.get(s).pv().equals(a.pv)) {
        continue;
      }
      if (positional && s >= numPositional) {
        continue;
      }
      if (positional) {
        reserve(s, a, a.count);
      }
      return true;
    }
    return false;
  }

  /** {@code _check_cling_to_alloced}: the area is on a PV this request already used. */
  private boolean clingToAlloced(PvMaps.Area a, boolean positional) {
    for (int s = 0; s < k; s++) {
      if (positional && slots[s] != null) {
        continue;
      }
      for (Alloced aa : alloced.get(s)) {
        if (aa.pv().equals(a.pv)) {
          if (positional) {
            reserve(s, a, a.count);
          }
          return true;
        }
      }
    }
    return false;
  }

  /** {@code _calc_required_extents}: reserves part of the area for this round. */
  private long requiredExtents(
      PvMaps.PvMap m, PvMaps.Area a, int slot, long maxToAllocate, boolean anywhere) {
    long required = maxToAllocate / k;
    if (anywhere && slot >= k) {
      required = 0; // lvm2: log_len, which is 0 without a log
    }
    if (required >= a.unreserved) {
      required = a.unreserved;
      a.unreserved = 0;
    } else {
      a.unreserved -= required;
      m.reinsert(a);
    }
    return required;
  }

  private void reserve(int slot, PvMaps.Area a, long used) {
    if (slot >= slots.length) {
      slots = Arrays.copyOf(slots, slots.length * 2 + slot);
    }
    slots[slot] = new Slot(a, used);
  }

  /** {@code _alloc_parallel_area}: takes the smallest reservation from each of the k areas. */
  private void allocParallelArea(long maxToAllocate) {
    long len = maxToAllocate / k;
    for (int s = 0; s < k; s++) {
      len = Math.min(len, slots[s].used());
    }
    if (len <= 0) {
      return;
    }
    List<Stripe> stripes = new ArrayList<>(k);
    for (int s = 0; s < k; s++) {
      PvMaps.Area a = slots[s].area();
      stripes.add(new Stripe(a.pv, a.start));
      alloced.get(s).add(new Alloced(a.pv, a.start, len));
      pvms.map(a.pv).consume(a, len);
    }
    pieces.add(new Piece(stripes, len));
    allocated += len * k;
  }
}
