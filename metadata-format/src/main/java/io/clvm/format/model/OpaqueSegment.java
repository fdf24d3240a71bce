package io.clvm.format.model;

import java.util.List;
import java.util.Set;

/**
 * A segment of a type clvm does not implement (thin, thin-pool, raid*, mirror, cache, snapshot,
 * vdo, writecache, integrity, …). Its keys are kept in their original order and printed back
 * unchanged, so that rewriting the VG never loses them; every operation that would need to
 * understand the segment calls {@link #refuse} instead.
 *
 * @param type the {@code type} string exactly as read, including {@code +FLAG} suffixes
 * @param entries every key of the segment except {@code start_extent}, {@code extent_count} and
 *     {@code type}, in the order read (tags included)
 * @param referencedPvs PVs the segment names in its entries (for example a pvmove's {@code mirrors}
 *     list): the allocator keeps away from these PVs, since it cannot tell which extents are used
 */
public record OpaqueSegment(
    long startExtent,
    long extentCount,
    String type,
    List<RawEntry> entries,
    Set<LvmUuid> referencedPvs)
    implements Segment {

  public OpaqueSegment {
    entries = Immutables.list(entries);
    referencedPvs = referencedPvs == null ? Set.of() : Set.copyOf(referencedPvs);
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("segment type missing");
    }
  }

  @Override
  public List<String> tags() {
    return List.of();
  }

  @Override
  public OpaqueSegment withStartExtent(long newStart) {
    return new OpaqueSegment(newStart, extentCount, type, entries, referencedPvs);
  }

  /**
   * Throws the exception that tells the user clvm cannot do {@code operation} on an LV holding this
   * segment, e.g. {@code refuse("extend", "vg0/pool")}.
   */
  public UnsupportedSegmentException refuse(String operation, String lvFullName) {
    throw new UnsupportedSegmentException(operation, lvFullName, type);
  }
}
