package io.clvm.format.model;

import java.util.List;

/**
 * lvm2's {@code striped} segment type: {@code stripes.size()} areas of equal length on PVs, data
 * interleaved in chunks of {@code stripeSize} sectors. With one stripe it is a linear segment (lvm2
 * writes {@code stripe_count = 1} and no {@code stripe_size}; reports call it {@code linear}).
 *
 * @param startExtent first logical extent
 * @param extentCount logical extents, all stripes together; a multiple of the stripe count
 * @param stripeSize chunk size in 512-byte sectors, 0 for a linear segment
 * @param stripes the areas, in the order the device-mapper table interleaves them
 * @param tags segment tags, usually empty
 */
public record StripedSegment(
    long startExtent, long extentCount, long stripeSize, List<Stripe> stripes, List<String> tags)
    implements Segment {

  /** The type name lvm2 writes for striped and linear segments alike. */
  public static final String TYPE = "striped";

  /** lvm2's limit on stripes per segment. */
  public static final int MAX_STRIPES = 128;

  public StripedSegment {
    stripes = Immutables.list(stripes);
    tags = Immutables.list(tags);
    if (startExtent < 0 || extentCount <= 0) {
      throw new IllegalArgumentException(
          "segment needs start >= 0 and a positive length: " + startExtent + "+" + extentCount);
    }
    if (stripes.isEmpty() || stripes.size() > MAX_STRIPES) {
      throw new IllegalArgumentException("a striped segment needs 1 to 128 stripes");
    }
    if (extentCount % stripes.size() != 0) {
      throw new IllegalArgumentException(
          "extent count " + extentCount + " is not a multiple of " + stripes.size() + " stripes");
    }
    if (stripes.size() > 1 && stripeSize <= 0) {
      throw new IllegalArgumentException("a segment with several stripes needs a stripe size");
    }
    if (stripes.size() == 1) {
      stripeSize = 0;
    }
  }

  /** A linear segment: one area on {@code pv} starting at physical extent {@code pe}. */
  public static StripedSegment linear(long startExtent, long extentCount, LvmUuid pv, long pe) {
    return new StripedSegment(startExtent, extentCount, 0, List.of(new Stripe(pv, pe)), List.of());
  }

  @Override
  public String type() {
    return TYPE;
  }

  public int stripeCount() {
    return stripes.size();
  }

  public boolean isLinear() {
    return stripes.size() == 1;
  }

  /** Physical extents per stripe ({@code extentCount / stripeCount}). */
  public long areaLength() {
    return extentCount / stripes.size();
  }

  @Override
  public StripedSegment withStartExtent(long newStart) {
    return new StripedSegment(newStart, extentCount, stripeSize, stripes, tags);
  }

  /**
   * Whether {@code next} continues this segment so that lvm2 merges the two ({@code
   * lv_merge_segments} with striped's {@code _segments_compatible}): logically adjacent, same
   * stripe count and size, equal tags, and every stripe of {@code next} starts on the same PV right
   * where the same stripe of this one ends.
   */
  public boolean continuedBy(StripedSegment next) {
    if (endExtent() != next.startExtent()
        || stripeCount() != next.stripeCount()
        || stripeSize != next.stripeSize
        || !tags.equals(next.tags)) {
      return false;
    }
    for (int i = 0; i < stripes.size(); i++) {
      Stripe x = stripes.get(i);
      Stripe y = next.stripes.get(i);
      if (!x.pv().equals(y.pv()) || x.startExtent() + areaLength() != y.startExtent()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Segments in logical order with every pair lvm2 would merge merged ({@code lv_merge_segments},
   * which lvm2 runs on import and after allocation); opaque segments are left as they are.
   */
  public static List<Segment> merge(List<? extends Segment> segs) {
    List<Segment> out = new java.util.ArrayList<>(segs.size());
    for (Segment s : segs) {
      if (!out.isEmpty()
          && out.get(out.size() - 1) instanceof StripedSegment a
          && s instanceof StripedSegment b
          && a.continuedBy(b)) {
        out.set(out.size() - 1, a.withExtentCount(a.extentCount() + b.extentCount()));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** The same areas with {@code extentCount} changed (every stripe grows or shrinks equally). */
  public StripedSegment withExtentCount(long newCount) {
    return new StripedSegment(startExtent, newCount, stripeSize, stripes, tags);
  }
}
