package io.clvm.format.alloc;

import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import java.util.ArrayList;
import java.util.List;

/** Segment list helpers shared by the LV operations. */
public final class Segments {
  private Segments() {}

  /**
   * Whether {@code b} continues {@code a} so that lvm2 would merge them into one segment ({@code
   * lv_merge_segments}): logically adjacent, same stripe count and size, no tags, and every stripe
   * of {@code b} starts on the same PV right where the same stripe of {@code a} ends.
   */
  public static boolean mergeable(StripedSegment a, StripedSegment b) {
    if (a.endExtent() != b.startExtent()
        || a.stripeCount() != b.stripeCount()
        || a.stripeSize() != b.stripeSize()
        || !a.tags().isEmpty()
        || !b.tags().isEmpty()) {
      return false;
    }
    for (int i = 0; i < a.stripeCount(); i++) {
      Stripe x = a.stripes().get(i);
      Stripe y = b.stripes().get(i);
      if (!x.pv().equals(y.pv()) || x.startExtent() + a.areaLength() != y.startExtent()) {
        return false;
      }
    }
    return true;
  }

  /** Merges every mergeable neighbour pair; opaque segments are left as they are. */
  public static List<Segment> merge(List<? extends Segment> segs) {
    List<Segment> out = new ArrayList<>(segs.size());
    for (Segment s : segs) {
      if (!out.isEmpty()
          && out.get(out.size() - 1) instanceof StripedSegment a
          && s instanceof StripedSegment b
          && mergeable(a, b)) {
        out.set(out.size() - 1, a.withExtentCount(a.extentCount() + b.extentCount()));
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
