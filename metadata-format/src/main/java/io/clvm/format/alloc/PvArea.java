package io.clvm.format.alloc;

import io.clvm.format.model.LvmUuid;
import java.util.Objects;

/** A run of physical extents {@code [start, start + count)} on one PV. */
public record PvArea(LvmUuid pv, long start, long count) {
  public PvArea {
    Objects.requireNonNull(pv, "pv");
    if (start < 0 || count <= 0) {
      throw new IllegalArgumentException("bad area " + start + "+" + count);
    }
  }

  /** One past the last extent. */
  public long end() {
    return start + count;
  }
}
