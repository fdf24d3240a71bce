package io.clvm.format.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An LV as the VG metadata describes it ({@code logical_volumes/<name>}).
 *
 * @param name the LV name (the section key)
 * @param id the LV UUID; the full lvid lvm2 uses internally is VG UUID + LV UUID
 * @param flags status and compatible words ({@code READ}, {@code WRITE}, {@code VISIBLE}, …);
 *     {@code WRITE} even when the disk says {@code WRITE_LOCKED}
 * @param unknownFlags words of the {@code flags} list this version does not know, kept
 * @param tags LV tags
 * @param creationTime unix seconds, 0 when not recorded
 * @param creationHost host name, {@code null} when not recorded
 * @param lockArgs lvmlockd's per-LV {@code lock_args}, or {@code null}
 * @param allocationPolicy the LV's policy; {@link AllocationPolicy#INHERIT} uses the VG's
 * @param profile attached metadata profile, or {@code null}
 * @param readAhead as in the metadata: 0 = auto (not written), -1 = none, else sectors
 * @param major fixed major number, -1 if none
 * @param minor fixed minor number, -1 if none
 * @param segments segments in logical order, covering {@code 0..extentCount()-1} without gaps
 * @param extra unknown keys of the LV section, kept
 */
public record LogicalVolume(
    String name,
    LvmUuid id,
    Set<LvFlag> flags,
    List<String> unknownFlags,
    List<String> tags,
    long creationTime,
    String creationHost,
    String lockArgs,
    AllocationPolicy allocationPolicy,
    String profile,
    long readAhead,
    long major,
    long minor,
    List<Segment> segments,
    List<RawEntry> extra) {

  public LogicalVolume {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
    flags = Immutables.enumSet(LvFlag.class, flags);
    unknownFlags = Immutables.list(unknownFlags);
    tags = Immutables.list(tags);
    allocationPolicy = allocationPolicy == null ? AllocationPolicy.INHERIT : allocationPolicy;
    segments = Immutables.list(segments);
    extra = Immutables.list(extra);
    long next = 0;
    for (Segment s : segments) {
      if (s.startExtent() != next) {
        throw new IllegalArgumentException(
            "LV "
                + name
                + ": segment at logical extent "
                + s.startExtent()
                + " where "
                + next
                + " was expected (gap or overlap)");
      }
      next = s.endExtent();
    }
  }

  /** A new visible, writable LV as lvcreate makes it. */
  public static LogicalVolume create(
      String name, LvmUuid id, long creationTime, String creationHost, List<Segment> segments) {
    return new LogicalVolume(
        name,
        id,
        Set.of(LvFlag.READ, LvFlag.WRITE, LvFlag.VISIBLE),
        List.of(),
        List.of(),
        creationTime,
        creationHost,
        null,
        AllocationPolicy.INHERIT,
        null,
        0,
        -1,
        -1,
        segments,
        List.of());
  }

  /** Size in logical extents: the sum of the segments' extent counts. */
  public long extentCount() {
    long n = 0;
    for (Segment s : segments) {
      n += s.extentCount();
    }
    return n;
  }

  public boolean visible() {
    return flags.contains(LvFlag.VISIBLE);
  }

  /** True when every segment is striped/linear, i.e. clvm may change its extents. */
  public boolean allSegmentsSupported() {
    for (Segment s : segments) {
      if (s instanceof OpaqueSegment) {
        return false;
      }
    }
    return true;
  }

  /** The first segment clvm cannot interpret, if any. */
  public java.util.Optional<OpaqueSegment> firstOpaqueSegment() {
    for (Segment s : segments) {
      if (s instanceof OpaqueSegment o) {
        return java.util.Optional.of(o);
      }
    }
    return java.util.Optional.empty();
  }

  /** The striped segments, refusing with a clear message when any segment is opaque. */
  public List<StripedSegment> stripedSegments(String operation, String vgName) {
    List<StripedSegment> out = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      if (s instanceof OpaqueSegment o) {
        throw o.refuse(operation, vgName + "/" + name);
      }
      out.add((StripedSegment) s);
    }
    return out;
  }

  public LogicalVolume withName(String newName) {
    return new LogicalVolume(
        newName,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        readAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withSegments(List<? extends Segment> newSegments) {
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        readAhead,
        major,
        minor,
        List.copyOf(newSegments),
        extra);
  }

  public LogicalVolume withFlags(Set<LvFlag> newFlags) {
    return new LogicalVolume(
        name,
        id,
        newFlags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        readAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withTags(List<String> newTags) {
    newTags.forEach(Names::requireTag);
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        newTags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        readAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withAllocationPolicy(AllocationPolicy policy) {
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        policy,
        profile,
        readAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withLockArgs(String newLockArgs) {
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        newLockArgs,
        allocationPolicy,
        profile,
        readAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withReadAhead(long newReadAhead) {
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        newReadAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withFixedMinor(long newMajor, long newMinor) {
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        readAhead,
        newMajor,
        newMinor,
        segments,
        extra);
  }

  public LogicalVolume withProfile(String newProfile) {
    return new LogicalVolume(
        name,
        id,
        flags,
        unknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        newProfile,
        readAhead,
        major,
        minor,
        segments,
        extra);
  }

  public LogicalVolume withExtra(List<RawEntry> newExtra, List<String> newUnknownFlags) {
    return new LogicalVolume(
        name,
        id,
        flags,
        newUnknownFlags,
        tags,
        creationTime,
        creationHost,
        lockArgs,
        allocationPolicy,
        profile,
        readAhead,
        major,
        minor,
        segments,
        newExtra);
  }
}
