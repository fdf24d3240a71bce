package io.clvm.format.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A volume group as its metadata describes it: the VG section of the metadata text.
 *
 * <p>Immutable: every change makes a new value ({@code with…} methods or {@link #toBuilder()}), so
 * that a committed VG can be shared between threads and can never change under a reader. Lookups by
 * PV UUID and LV name are indexed, since a VG may hold ten thousand LVs.
 *
 * <p>Sizes are in 512-byte sectors ({@code extentSize}) as in the metadata.
 */
public final class VolumeGroup {
  /** The only metadata format clvm reads and writes. */
  public static final String FORMAT_LVM2 = "lvm2";

  /** lvm2's default extent size, 4 MiB. */
  public static final long DEFAULT_EXTENT_SIZE = 8192;

  private final String name;
  private final LvmUuid id;
  private final long seqno;
  private final Set<VgFlag> flags;
  private final List<String> unknownFlags;
  private final List<String> tags;
  private final String systemId;
  private final String lockType;
  private final String lockArgs;
  private final long extentSize;
  private final long maxLv;
  private final long maxPv;
  private final AllocationPolicy allocationPolicy;
  private final String profile;
  private final long metadataCopies;
  private final List<PhysicalVolume> pvs;
  private final List<LogicalVolume> lvs;
  private final List<RawEntry> extra;
  private final Map<LvmUuid, Integer> pvIndex;
  private final Map<String, Integer> lvIndex;

  private VolumeGroup(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.id = Objects.requireNonNull(b.id, "id");
    this.seqno = b.seqno;
    this.flags = Immutables.enumSet(VgFlag.class, b.flags);
    this.unknownFlags = Immutables.list(b.unknownFlags);
    this.tags = Immutables.list(b.tags);
    this.systemId = b.systemId == null || b.systemId.isEmpty() ? null : b.systemId;
    this.lockType = b.lockType;
    this.lockArgs = b.lockArgs;
    this.extentSize = b.extentSize;
    this.maxLv = b.maxLv;
    this.maxPv = b.maxPv;
    this.allocationPolicy =
        b.allocationPolicy == null || b.allocationPolicy == AllocationPolicy.INHERIT
            ? AllocationPolicy.NORMAL
            : b.allocationPolicy;
    this.profile = b.profile;
    this.metadataCopies = b.metadataCopies;
    this.pvs = Immutables.list(b.pvs);
    this.lvs = Immutables.list(b.lvs);
    this.extra = Immutables.list(b.extra);
    if (seqno < 0 || seqno > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("seqno out of range: " + seqno);
    }
    if (extentSize <= 0) {
      throw new IllegalArgumentException("extent size must be positive: " + extentSize);
    }
    Map<LvmUuid, Integer> pi = new HashMap<>(pvs.size() * 2);
    for (int i = 0; i < pvs.size(); i++) {
      if (pi.put(pvs.get(i).id(), i) != null) {
        throw new IllegalArgumentException(
            "duplicate PV UUID " + pvs.get(i).id() + " in VG " + name);
      }
    }
    Map<String, Integer> li = new HashMap<>(lvs.size() * 2);
    for (int i = 0; i < lvs.size(); i++) {
      if (li.put(lvs.get(i).name(), i) != null) {
        throw new IllegalArgumentException(
            "duplicate LV name " + lvs.get(i).name() + " in VG " + name);
      }
    }
    this.pvIndex = pi;
    this.lvIndex = li;
  }

  /** A builder for a new VG with lvm2's defaults (status RESIZEABLE, READ, WRITE; 4 MiB). */
  public static Builder builder(String name, LvmUuid id) {
    Builder b = new Builder();
    b.name = name;
    b.id = id;
    b.flags = Set.of(VgFlag.RESIZEABLE, VgFlag.READ, VgFlag.WRITE);
    return b;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.id = id;
    b.seqno = seqno;
    b.flags = flags;
    b.unknownFlags = unknownFlags;
    b.tags = tags;
    b.systemId = systemId;
    b.lockType = lockType;
    b.lockArgs = lockArgs;
    b.extentSize = extentSize;
    b.maxLv = maxLv;
    b.maxPv = maxPv;
    b.allocationPolicy = allocationPolicy;
    b.profile = profile;
    b.metadataCopies = metadataCopies;
    b.pvs = pvs;
    b.lvs = lvs;
    b.extra = extra;
    return b;
  }

  // ---- accessors (lvm2's names) ----

  public String name() {
    return name;
  }

  public LvmUuid id() {
    return id;
  }

  /** Metadata sequence number, +1 on every commit. */
  public long seqno() {
    return seqno;
  }

  /** Always {@value #FORMAT_LVM2}. */
  public String format() {
    return FORMAT_LVM2;
  }

  /** Status and compatible words; {@code WRITE} even when the disk says {@code WRITE_LOCKED}. */
  public Set<VgFlag> flags() {
    return flags;
  }

  public List<String> unknownFlags() {
    return unknownFlags;
  }

  public List<String> tags() {
    return tags;
  }

  /** The owning host's system ID, or {@code null}. */
  public String systemId() {
    return systemId;
  }

  /** {@code sanlock}, {@code dlm}, {@code idm}, {@code none}, or {@code null} when not written. */
  public String lockType() {
    return lockType;
  }

  public String lockArgs() {
    return lockArgs;
  }

  /** Extent size in 512-byte sectors. */
  public long extentSize() {
    return extentSize;
  }

  public long maxLv() {
    return maxLv;
  }

  public long maxPv() {
    return maxPv;
  }

  public AllocationPolicy allocationPolicy() {
    return allocationPolicy;
  }

  public String profile() {
    return profile;
  }

  /** {@code vgmetadatacopies}; 0 = unmanaged. */
  public long metadataCopies() {
    return metadataCopies;
  }

  /** PVs in VG order; the order defines their {@code pvN} keys. */
  public List<PhysicalVolume> pvs() {
    return pvs;
  }

  /** LVs in VG order (creation order), hidden ones included. */
  public List<LogicalVolume> lvs() {
    return lvs;
  }

  /** Unknown keys and sections of the VG section, kept. */
  public List<RawEntry> extra() {
    return extra;
  }

  // ---- derived ----

  /**
   * Whether lvm2 writes this VG with {@code WRITE_LOCKED} instead of {@code WRITE}: it has a system
   * ID or a lock type other than {@code none}, so that old lvm versions treat it as read-only.
   */
  public boolean writeLocked() {
    return systemId != null || (lockType != null && !lockType.equals("none"));
  }

  public boolean writable() {
    return flags.contains(VgFlag.WRITE);
  }

  public Optional<PhysicalVolume> pv(LvmUuid pvId) {
    Integer i = pvIndex.get(pvId);
    return i == null ? Optional.empty() : Optional.of(pvs.get(i));
  }

  /** The PV with this device hint (e.g. {@code /dev/loop0}), if any. */
  public Optional<PhysicalVolume> pvByDevice(String device) {
    for (PhysicalVolume p : pvs) {
      if (device.equals(p.device())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Position of the PV in the VG, or -1. */
  public int pvPosition(LvmUuid pvId) {
    Integer i = pvIndex.get(pvId);
    return i == null ? -1 : i;
  }

  /** The {@code pvN} key lvm2 writes for this PV: its position in the VG. */
  public String pvKey(LvmUuid pvId) {
    int i = pvPosition(pvId);
    if (i < 0) {
      throw new IllegalArgumentException("PV " + pvId + " is not in VG " + name);
    }
    return "pv" + i;
  }

  public Optional<LogicalVolume> lv(String lvName) {
    Integer i = lvIndex.get(lvName);
    return i == null ? Optional.empty() : Optional.of(lvs.get(i));
  }

  /** The LV, or an {@link IllegalArgumentException} in lvm2's words. */
  public LogicalVolume requireLv(String lvName) {
    return lv(lvName)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Failed to find logical volume \"" + name + "/" + lvName + "\""));
  }

  /** Total extents over all PVs. */
  public long extentCount() {
    long n = 0;
    for (PhysicalVolume p : pvs) {
      n += p.peCount();
    }
    return n;
  }

  /** True when some LV has a segment clvm keeps opaque. */
  public boolean hasOpaqueSegments() {
    for (LogicalVolume lv : lvs) {
      if (!lv.allSegmentsSupported()) {
        return true;
      }
    }
    return false;
  }

  // ---- copies ----

  public VolumeGroup withSeqno(long newSeqno) {
    Builder b = toBuilder();
    b.seqno = newSeqno;
    return b.build();
  }

  /** The same VG with seqno + 1, as every commit writes it. */
  public VolumeGroup withNextSeqno() {
    return withSeqno(seqno + 1);
  }

  public VolumeGroup withName(String newName) {
    Names.requireVgName(newName);
    Builder b = toBuilder();
    b.name = newName;
    return b.build();
  }

  public VolumeGroup withTags(List<String> newTags) {
    newTags.forEach(Names::requireTag);
    return toBuilder().tags(newTags).build();
  }

  public VolumeGroup withFlags(Set<VgFlag> newFlags) {
    return toBuilder().flags(newFlags).build();
  }

  public VolumeGroup withAllocationPolicy(AllocationPolicy policy) {
    return toBuilder().allocationPolicy(policy).build();
  }

  public VolumeGroup withSystemId(String newSystemId) {
    return toBuilder().systemId(newSystemId).build();
  }

  public VolumeGroup withLock(String newLockType, String newLockArgs) {
    return toBuilder().lockType(newLockType).lockArgs(newLockArgs).build();
  }

  /** Replaces the PV with the same UUID. */
  public VolumeGroup withPv(PhysicalVolume pv) {
    int i = pvPosition(pv.id());
    if (i < 0) {
      throw new IllegalArgumentException("PV " + pv.id() + " is not in VG " + name);
    }
    List<PhysicalVolume> l = new ArrayList<>(pvs);
    l.set(i, pv);
    return toBuilder().pvs(l).build();
  }

  /** Appends a PV (vgextend); existing PVs keep their {@code pvN} keys. */
  public VolumeGroup withPvAdded(PhysicalVolume pv) {
    List<PhysicalVolume> l = new ArrayList<>(pvs);
    l.add(pv);
    return toBuilder().pvs(l).build();
  }

  /**
   * Removes a PV (vgreduce). Refused while any LV uses it, and while opaque segments exist, since
   * they refer to PVs by {@code pvN} key and the keys of later PVs would shift.
   */
  public VolumeGroup withoutPv(LvmUuid pvId) {
    int i = pvPosition(pvId);
    if (i < 0) {
      throw new IllegalArgumentException("PV " + pvId + " is not in VG " + name);
    }
    for (LogicalVolume lv : lvs) {
      for (Segment s : lv.segments()) {
        if (s instanceof OpaqueSegment o) {
          throw o.refuse("remove a PV from the VG holding", name + "/" + lv.name());
        }
        for (Stripe st : ((StripedSegment) s).stripes()) {
          if (st.pv().equals(pvId)) {
            throw new IllegalStateException(
                "Physical volume " + pvId + " still in use by " + name + "/" + lv.name() + ".");
          }
        }
      }
    }
    List<PhysicalVolume> l = new ArrayList<>(pvs);
    l.remove(i);
    return toBuilder().pvs(l).build();
  }

  /** Replaces the LV with the same UUID (its name may have changed). */
  public VolumeGroup withLv(LogicalVolume lv) {
    for (int i = 0; i < lvs.size(); i++) {
      if (lvs.get(i).id().equals(lv.id())) {
        List<LogicalVolume> l = new ArrayList<>(lvs);
        l.set(i, lv);
        return toBuilder().lvs(l).build();
      }
    }
    throw new IllegalArgumentException("LV " + lv.id() + " is not in VG " + name);
  }

  /** Appends an LV (lvcreate). */
  public VolumeGroup withLvAdded(LogicalVolume lv) {
    if (lvIndex.containsKey(lv.name())) {
      throw new IllegalArgumentException(
          "Logical Volume \"" + lv.name() + "\" already exists in volume group \"" + name + "\"");
    }
    List<LogicalVolume> l = new ArrayList<>(lvs.size() + 1);
    l.addAll(lvs);
    l.add(lv);
    return toBuilder().lvs(l).build();
  }

  /** Removes the LV with this name (lvremove). */
  public VolumeGroup withoutLv(String lvName) {
    Integer i = lvIndex.get(lvName);
    if (i == null) {
      throw new IllegalArgumentException(
          "Failed to find logical volume \"" + name + "/" + lvName + "\"");
    }
    List<LogicalVolume> l = new ArrayList<>(lvs);
    l.remove((int) i);
    return toBuilder().lvs(l).build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof VolumeGroup v
        && name.equals(v.name)
        && id.equals(v.id)
        && seqno == v.seqno
        && flags.equals(v.flags)
        && unknownFlags.equals(v.unknownFlags)
        && tags.equals(v.tags)
        && Objects.equals(systemId, v.systemId)
        && Objects.equals(lockType, v.lockType)
        && Objects.equals(lockArgs, v.lockArgs)
        && extentSize == v.extentSize
        && maxLv == v.maxLv
        && maxPv == v.maxPv
        && allocationPolicy == v.allocationPolicy
        && Objects.equals(profile, v.profile)
        && metadataCopies == v.metadataCopies
        && pvs.equals(v.pvs)
        && lvs.equals(v.lvs)
        && extra.equals(v.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, id, seqno, pvs, lvs);
  }

  @Override
  public String toString() {
    return "VolumeGroup["
        + name
        + " "
        + id
        + " seqno "
        + seqno
        + ", "
        + pvs.size()
        + " PVs, "
        + lvs.size()
        + " LVs]";
  }

  /** Mutable builder; {@link #build()} validates and freezes. */
  public static final class Builder {
    private String name;
    private LvmUuid id;
    private long seqno = 1;
    private Set<VgFlag> flags = Set.of();
    private List<String> unknownFlags = List.of();
    private List<String> tags = List.of();
    private String systemId;
    private String lockType;
    private String lockArgs;
    private long extentSize = DEFAULT_EXTENT_SIZE;
    private long maxLv;
    private long maxPv;
    private AllocationPolicy allocationPolicy = AllocationPolicy.NORMAL;
    private String profile;
    private long metadataCopies;
    private List<PhysicalVolume> pvs = List.of();
    private List<LogicalVolume> lvs = List.of();
    private List<RawEntry> extra = List.of();

    private Builder() {}

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder id(LvmUuid v) {
      id = v;
      return this;
    }

    public Builder seqno(long v) {
      seqno = v;
      return this;
    }

    public Builder flags(Set<VgFlag> v) {
      flags = v;
      return this;
    }

    public Builder unknownFlags(List<String> v) {
      unknownFlags = v;
      return this;
    }

    public Builder tags(List<String> v) {
      tags = v;
      return this;
    }

    public Builder systemId(String v) {
      systemId = v;
      return this;
    }

    public Builder lockType(String v) {
      lockType = v;
      return this;
    }

    public Builder lockArgs(String v) {
      lockArgs = v;
      return this;
    }

    public Builder extentSize(long v) {
      extentSize = v;
      return this;
    }

    public Builder maxLv(long v) {
      maxLv = v;
      return this;
    }

    public Builder maxPv(long v) {
      maxPv = v;
      return this;
    }

    public Builder allocationPolicy(AllocationPolicy v) {
      allocationPolicy = v;
      return this;
    }

    public Builder profile(String v) {
      profile = v;
      return this;
    }

    public Builder metadataCopies(long v) {
      metadataCopies = v;
      return this;
    }

    public Builder pvs(List<PhysicalVolume> v) {
      pvs = v;
      return this;
    }

    public Builder lvs(List<LogicalVolume> v) {
      lvs = v;
      return this;
    }

    public Builder extra(List<RawEntry> v) {
      extra = v;
      return this;
    }

    public VolumeGroup build() {
      return new VolumeGroup(this);
    }
  }
}
