package io.clvm.format.alloc;

import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses physical extents for new logical extents the way lvm2's allocator does ({@code
 * lib/metadata/lv_manip.c} and {@code pv_map.c}), for striped and linear segments.
 *
 * <p>What is reproduced:
 *
 * <ul>
 *   <li>Each PV's free areas are kept largest first (ties in physical order), and a partly used
 *       area goes back behind the areas of equal size, as in lvm2's {@code _insert_area}.
 *   <li>The policies are tried in lvm2's order up to the requested one: <b>contiguous</b> (the
 *       areas right after the previous segment's stripes), <b>cling</b> (the previous segment's
 *       PVs), <b>normal</b> (one area per PV, the largest; once something is allocated, PVs already
 *       used by this request first — lvm2's {@code maximise_cling}), <b>anywhere</b> (any area,
 *       several stripes may share a PV).
 *   <li>Parallel stripes take the {@code k} largest candidate areas, stably sorted so that equal
 *       sizes keep PV order; each round allocates the smallest of them (or what is still needed).
 * </ul>
 *
 * <p>Where this differs from lvm2: {@code cling_by_tags} behaves like {@code cling} (no tag list
 * configuration exists in clvm); for an LV without a previous segment {@code cling} behaves like
 * {@code normal}; lvm2's approximate allocation for {@code %FREE} is done by the size resolution
 * instead ({@link SizeSpec}), not here.
 */
final class Allocator {
  /** One round's result: the same length on each of {@code areas.size()} stripes. */
  record Piece(List<Stripe> areas, long length) {}

  private final Map<LvmUuid, List<long[]>> areas = new LinkedHashMap<>();
  private final List<LvmUuid> pvOrder;

  /**
   * @param map the VG's current extent map
   * @param pvOrder candidate PVs in lvm2's order (command line order, else VG order), already
   *     filtered to allocatable ones
   */
  Allocator(ExtentMap map, List<LvmUuid> pvOrder) {
    this.pvOrder = List.copyOf(pvOrder);
    for (LvmUuid pv : pvOrder) {
      List<long[]> l = new ArrayList<>();
      for (PvArea a : map.free(pv)) {
        insert(l, new long[] {a.start(), a.count()});
      }
      areas.put(pv, l);
    }
  }

  /** lvm2's {@code _insert_area}: before the first smaller area, i.e. after equal ones. */
  private static void insert(List<long[]> l, long[] area) {
    int i = 0;
    while (i < l.size() && area[1] <= l.get(i)[1]) {
      i++;
    }
    l.add(i, area);
  }

  private void consume(LvmUuid pv, long[] area, long len) {
    List<long[]> l = areas.get(pv);
    l.remove(area);
    if (area[1] > len) {
      insert(l, new long[] {area[0] + len, area[1] - len});
    }
  }

  private record Candidate(LvmUuid pv, long[] area) {
    long size() {
      return area[1];
    }
  }

  /**
   * Allocates {@code perStripe} extents on each of {@code stripes} stripes.
   *
   * @param prev the LV's last segment (extension), or {@code null} (new LV)
   * @return the pieces in allocation order
   * @throws AllocationException when the policy cannot place everything
   */
  List<Piece> allocate(
      long perStripe, int stripes, AllocationPolicy policy, StripedSegment prev, String lvName) {
    if (policy == AllocationPolicy.CLING_BY_TAGS) {
      policy = AllocationPolicy.CLING;
    }
    boolean canSplit = policy != AllocationPolicy.CONTIGUOUS;
    List<Piece> pieces = new ArrayList<>();
    Set<LvmUuid> usedByRequest = new HashSet<>();
    long done = 0;
    for (AllocationPolicy pass : passes(policy, prev != null)) {
      // lvm2 (maximise_cling): once earlier passes placed something, stay on those PVs first.
      boolean clingToAllocated = pass == AllocationPolicy.NORMAL && done > 0;
      while (done < perStripe) {
        long remaining = perStripe - done;
        List<Candidate> chosen =
            candidates(
                pass, stripes, prev, remaining, canSplit, clingToAllocated ? usedByRequest : null);
        if (chosen == null) {
          if (pass == AllocationPolicy.NORMAL && clingToAllocated) {
            clingToAllocated = false; // nothing on the PVs used so far: try all of them
            continue;
          }
          break;
        }
        long len = remaining;
        for (Candidate c : chosen) {
          len = Math.min(len, c.size());
        }
        List<Stripe> st = new ArrayList<>(stripes);
        for (Candidate c : chosen) {
          st.add(new Stripe(c.pv(), c.area()[0]));
          consume(c.pv(), c.area(), len);
          usedByRequest.add(c.pv());
        }
        pieces.add(new Piece(st, len));
        done += len;
        if (pass == AllocationPolicy.CONTIGUOUS || !canSplit) {
          break;
        }
        if (pass == AllocationPolicy.NORMAL) {
          clingToAllocated = true;
        }
      }
      if (done == perStripe) {
        return pieces;
      }
    }
    throw new AllocationException(
        "Insufficient suitable allocatable extents for logical volume "
            + lvName
            + ": "
            + (perStripe - done) * stripes
            + " more required");
  }

  /** The passes lvm2 tries for a policy, in order (its loop from contiguous up to the policy). */
  private static List<AllocationPolicy> passes(AllocationPolicy policy, boolean hasPrev) {
    return switch (policy) {
      case CONTIGUOUS -> List.of(AllocationPolicy.CONTIGUOUS);
      case CLING, CLING_BY_TAGS ->
          hasPrev
              ? List.of(AllocationPolicy.CONTIGUOUS, AllocationPolicy.CLING)
              : List.of(AllocationPolicy.CONTIGUOUS, AllocationPolicy.NORMAL);
      case ANYWHERE ->
          List.of(
              AllocationPolicy.CONTIGUOUS,
              AllocationPolicy.CLING,
              AllocationPolicy.NORMAL,
              AllocationPolicy.ANYWHERE);
      default ->
          List.of(AllocationPolicy.CONTIGUOUS, AllocationPolicy.CLING, AllocationPolicy.NORMAL);
    };
  }

  /**
   * The {@code stripes} areas one round of {@code pass} would use, in stripe order, or {@code null}
   * when the pass finds none.
   */
  private List<Candidate> candidates(
      AllocationPolicy pass,
      int stripes,
      StripedSegment prev,
      long remaining,
      boolean canSplit,
      Set<LvmUuid> onlyPvs) {
    List<Candidate> out = new ArrayList<>();
    switch (pass) {
      case CONTIGUOUS -> {
        if (prev == null) {
          // No segment to follow: a single area per stripe must hold the whole request.
          List<Candidate> all = perPvLargest(null);
          all.removeIf(c -> c.size() < remaining);
          return take(all, stripes);
        }
        if (prev.stripeCount() != stripes) {
          return null;
        }
        for (Stripe s : prev.stripes()) {
          long want = s.startExtent() + prev.areaLength();
          Candidate c = null;
          for (long[] a : areas.getOrDefault(s.pv(), List.of())) {
            if (a[0] == want) {
              c = new Candidate(s.pv(), a);
            }
          }
          if (c == null || (!canSplit && c.size() < remaining)) {
            return null;
          }
          out.add(c);
        }
        return distinctAreas(out) ? out : null;
      }
      case CLING -> {
        if (prev == null) {
          return null;
        }
        if (prev.stripeCount() == stripes) {
          for (Stripe s : prev.stripes()) {
            List<long[]> l = areas.getOrDefault(s.pv(), List.of());
            long[] best = null;
            for (long[] a : l) {
              if (!used(out, a)) {
                best = a;
                break;
              }
            }
            if (best == null || (!canSplit && best[1] < remaining)) {
              return null;
            }
            out.add(new Candidate(s.pv(), best));
          }
          return out;
        }
        Set<LvmUuid> prevPvs = new HashSet<>();
        prev.stripes().forEach(s -> prevPvs.add(s.pv()));
        List<Candidate> all = perPvLargest(prevPvs);
        if (!canSplit) {
          all.removeIf(c -> c.size() < remaining);
        }
        return take(all, stripes);
      }
      case NORMAL -> {
        List<Candidate> all = perPvLargest(onlyPvs);
        if (!canSplit) {
          all.removeIf(c -> c.size() < remaining);
        }
        return take(all, stripes);
      }
      default -> {
        List<Candidate> all = new ArrayList<>();
        for (LvmUuid pv : pvOrder) {
          for (long[] a : areas.get(pv)) {
            all.add(new Candidate(pv, a));
          }
        }
        if (!canSplit) {
          all.removeIf(c -> c.size() < remaining);
        }
        return take(all, stripes);
      }
    }
  }

  private static boolean used(List<Candidate> chosen, long[] a) {
    for (Candidate c : chosen) {
      if (c.area() == a) {
        return true;
      }
    }
    return false;
  }

  private static boolean distinctAreas(List<Candidate> l) {
    for (int i = 0; i < l.size(); i++) {
      for (int j = i + 1; j < l.size(); j++) {
        if (l.get(i).area() == l.get(j).area()) {
          return false;
        }
      }
    }
    return true;
  }

  /** The largest free area of each PV (restricted to {@code only} when given), in PV order. */
  private List<Candidate> perPvLargest(Set<LvmUuid> only) {
    List<Candidate> out = new ArrayList<>();
    for (LvmUuid pv : pvOrder) {
      if (only != null && !only.contains(pv)) {
        continue;
      }
      List<long[]> l = areas.get(pv);
      if (!l.isEmpty()) {
        out.add(new Candidate(pv, l.get(0)));
      }
    }
    return out;
  }

  /** The {@code k} largest, stable for ties; {@code null} when fewer than {@code k}. */
  private static List<Candidate> take(List<Candidate> all, int k) {
    if (all.size() < k) {
      return null;
    }
    List<Candidate> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingLong(Candidate::size).reversed());
    return new ArrayList<>(sorted.subList(0, k));
  }
}
