package io.clvm.format.alloc;

import io.clvm.format.model.LvmUuid;

/**
 * Physical extents used by one stripe of one LV segment: what {@code pvs --segments} shows.
 *
 * @param pv the PV
 * @param start first physical extent ({@code pvseg_start})
 * @param count extents ({@code pvseg_size})
 * @param lvName the owning LV
 * @param segmentStart the LV segment's first logical extent ({@code seg_start_pe})
 */
public record UsedArea(LvmUuid pv, long start, long count, String lvName, long segmentStart) {
  public long end() {
    return start + count;
  }
}
