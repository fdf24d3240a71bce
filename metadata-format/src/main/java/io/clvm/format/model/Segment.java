package io.clvm.format.model;

import java.util.List;

/**
 * A segment of an LV: logical extents {@code [startExtent, startExtent + extentCount)} mapped by
 * one segment type. clvm implements {@link StripedSegment} (lvm2's {@code striped} type, which also
 * covers linear LVs); every other type is an {@link OpaqueSegment}, kept verbatim.
 */
public sealed interface Segment permits StripedSegment, OpaqueSegment {
  /** First logical extent of the segment within its LV. */
  long startExtent();

  /** Number of logical extents (all stripes together). */
  long extentCount();

  /** The segment type as written in the metadata's {@code type} key. */
  String type();

  /** Segment tags (rare; lvm2 prints them when present). */
  List<String> tags();

  /** The same segment moved to another logical start (used when segments are merged or split). */
  Segment withStartExtent(long startExtent);

  /** One past the last logical extent. */
  default long endExtent() {
    return startExtent() + extentCount();
  }
}
