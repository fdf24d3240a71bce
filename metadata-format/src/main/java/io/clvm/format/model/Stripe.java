package io.clvm.format.model;

import java.util.Objects;

/**
 * One area of a striped segment: a run of physical extents on one PV, starting at {@code
 * startExtent}; its length is the segment's {@link StripedSegment#areaLength()}.
 *
 * @param pv the PV's UUID (the metadata text refers to it by its {@code pvN} key)
 * @param startExtent first physical extent on the PV
 */
public record Stripe(LvmUuid pv, long startExtent) {
  public Stripe {
    Objects.requireNonNull(pv, "pv");
    if (startExtent < 0) {
      throw new IllegalArgumentException("negative physical extent " + startExtent);
    }
  }
}
