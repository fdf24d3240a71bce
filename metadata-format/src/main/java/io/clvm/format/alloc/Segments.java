package io.clvm.format.alloc;

import io.clvm.format.model.Segment;
import io.clvm.format.model.StripedSegment;
import java.util.List;

/** Segment list helpers shared by the LV operations. */
public final class Segments {
  private Segments() {}

  /** See {@link StripedSegment#continuedBy}. */
  public static boolean mergeable(StripedSegment a, StripedSegment b) {
    return a.continuedBy(b);
  }

  /** See {@link StripedSegment#merge}. */
  public static List<Segment> merge(List<? extends Segment> segs) {
    return StripedSegment.merge(segs);
  }
}
