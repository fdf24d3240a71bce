package io.clvm.format.alloc;

import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.Names;
import io.clvm.format.model.OpaqueSegment;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.RawEntry;
import io.clvm.format.model.Segment;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.text.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * lvcreate, lvextend, lvreduce, lvremove and lvrename on the model: each takes a VG and returns a
 * new one (the input is never changed). The seqno is not touched; the commit does that.
 *
 * <p>Every operation that would have to understand an opaque segment (thin, raid, …) is refused
 * with {@link io.clvm.format.model.UnsupportedSegmentException}; bad requests throw {@link
 * IllegalArgumentException}, unsatisfiable ones {@link AllocationException}, with lvm2's words.
 */
public final class LvOperations {
  /** lvm2's default stripe size: 64 KiB in sectors. */
  public static final long DEFAULT_STRIPE_SIZE = 128;

  private static final Pattern LVOL = Pattern.compile("lvol(\\d+)");

  private LvOperations() {}

  /**
   * What lvcreate asks for.
   *
   * @param name LV name, or {@code null} for lvm2's next {@code lvolN}
   * @param size {@code -L} or {@code -l} (unsigned)
   * @param stripes {@code -i}, 1 for linear
   * @param stripeSize {@code -I} in sectors, 0 for the default (64 KiB)
   * @param pvs PVs to allocate from, in command-line order; empty = all PVs of the VG
   * @param policy {@code --alloc}, or {@code null} to inherit the VG's
   * @param tags {@code --addtag} values
   * @param id the new LV's UUID, or {@code null} for a random one
   * @param creationTime unix seconds recorded as {@code creation_time}
   * @param creationHost recorded as {@code creation_host}
   */
  public record CreateRequest(
      String name,
      SizeSpec size,
      int stripes,
      long stripeSize,
      List<LvmUuid> pvs,
      AllocationPolicy policy,
      List<String> tags,
      LvmUuid id,
      long creationTime,
      String creationHost) {
    public CreateRequest {
      pvs = pvs == null ? List.of() : List.copyOf(pvs);
      tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A linear LV of {@code size} on any PV, created now on this host. */
    public static CreateRequest linear(String name, SizeSpec size) {
      return new CreateRequest(
          name,
          size,
          1,
          0,
          List.of(),
          null,
          List.of(),
          null,
          System.currentTimeMillis() / 1000,
          io.clvm.format.model.Uname.current().nodename());
    }

    public CreateRequest withStripes(int n, long sizeSectors) {
      return new CreateRequest(
          name, size, n, sizeSectors, pvs, policy, tags, id, creationTime, creationHost);
    }

    public CreateRequest withPvs(List<LvmUuid> list) {
      return new CreateRequest(
          name, size, stripes, stripeSize, list, policy, tags, id, creationTime, creationHost);
    }

    public CreateRequest withPolicy(AllocationPolicy p) {
      return new CreateRequest(
          name, size, stripes, stripeSize, pvs, p, tags, id, creationTime, creationHost);
    }

    public CreateRequest withId(LvmUuid newId, long time, String host) {
      return new CreateRequest(
          name, size, stripes, stripeSize, pvs, policy, tags, newId, time, host);
    }
  }

  /**
   * The outcome of an operation.
   *
   * @param vg the new VG
   * @param lv the created/changed LV as it is in {@code vg}
   * @param oldExtents the LV's size before (0 for lvcreate)
   * @param requestedExtents what the size asked for, before rounding to the stripe count
   * @param roundedToExtent {@code -L} was not a whole number of extents and was rounded up (lvm2:
   *     "Rounding up size to full physical extent …")
   * @param roundedToStripes the size was changed to a multiple of the stripe count (lvm2: "Rounding
   *     size (N extents) up to stripe boundary size (M extents).")
   */
  public record Result(
      VolumeGroup vg,
      LogicalVolume lv,
      long oldExtents,
      long requestedExtents,
      boolean roundedToExtent,
      boolean roundedToStripes) {
    public long newExtents() {
      return lv.extentCount();
    }
  }

  /** lvcreate. */
  public static Result create(VolumeGroup vg, CreateRequest r) {
    String name = r.name() == null ? nextLvolName(vg) : r.name();
    Names.checkLvNameInVg(vg.name(), name).ifPresent(LvOperations::bad);
    if (vg.lv(name).isPresent()) {
      bad("Logical Volume \"" + name + "\" already exists in volume group \"" + vg.name() + "\"");
    }
    if (vg.maxLv() > 0 && visibleCount(vg) >= vg.maxLv()) {
      bad(
          "Maximum number of logical volumes ("
              + vg.maxLv()
              + ") reached in volume group "
              + vg.name());
    }
    r.tags().forEach(Names::requireTag);
    int stripes = r.stripes() <= 0 ? 1 : r.stripes();
    long stripeSize = stripeSize(vg, stripes, r.stripeSize());
    ExtentMap map = ExtentMap.of(vg);
    List<LvmUuid> pvs = candidatePvs(vg, map, r.pvs());
    AllocationPolicy policy = effective(r.policy(), AllocationPolicy.INHERIT, vg);
    if (stripes > 1 && stripes > pvs.size() && policy != AllocationPolicy.ANYWHERE) {
      bad(
          "Number of stripes ("
              + stripes
              + ") must not exceed number of physical volumes ("
              + pvs.size()
              + ")");
    }
    long requested = extents(vg, map, r.size(), pvs, false);
    if (requested <= 0) {
      bad("Unable to create new logical volume with no extents.");
    }
    long extents = roundUp(requested, stripes);
    Allocator a = new Allocator(map, pvs, stripes, null, null);
    List<Allocator.Piece> pieces = a.allocate(extents, policy, name, approximate(r.size()));
    List<Segment> segs = Segments.merge(toSegments(pieces, 0, stripeSize));
    LogicalVolume lv =
        LogicalVolume.create(
                name,
                r.id() == null ? LvmUuid.random() : r.id(),
                r.creationTime(),
                r.creationHost(),
                segs)
            .withTags(r.tags());
    if (r.policy() != null && r.policy() != AllocationPolicy.INHERIT) {
      lv = lv.withAllocationPolicy(r.policy());
    }
    return new Result(
        vg.withLvAdded(lv),
        lv,
        0,
        requested,
        r.size().needsRounding(vg.extentSize()),
        extents != requested);
  }

  /**
   * lvextend.
   *
   * @param size absolute, or relative with {@code +}
   * @param stripes {@code -i}, or 0 to use the last segment's
   * @param stripeSize {@code -I} in sectors, or 0 to use the last segment's (or the default)
   * @param pvs PVs to allocate from; empty = all
   * @param policy {@code --alloc}, or {@code null} for the LV's/VG's
   */
  public static Result extend(
      VolumeGroup vg,
      String lvName,
      SizeSpec size,
      int stripes,
      long stripeSize,
      List<LvmUuid> pvs,
      AllocationPolicy policy) {
    LogicalVolume lv = vg.requireLv(lvName);
    List<StripedSegment> segs = lv.stripedSegments("extend", vg.name());
    StripedSegment last = segs.get(segs.size() - 1);
    long current = lv.extentCount();
    ExtentMap map = ExtentMap.of(vg);
    List<LvmUuid> cands = candidatePvs(vg, map, pvs == null ? List.of() : pvs);
    long target;
    if (size.sign() < 0) {
      bad("Negative size given to lvextend; use lvreduce.");
    }
    // As in lvm2, an unsigned size is the new total, percentages included ("-l 50%FREE").
    boolean relative = size.sign() > 0;
    long amount = extents(vg, map, size, cands, true);
    target = relative ? current + amount : amount;
    if (target == current) {
      bad("New size (" + target + " extents) matches existing size (" + current + " extents).");
    }
    if (target < current) {
      bad(
          "New size given ("
              + target
              + " extents) not larger than existing size ("
              + current
              + " extents)");
    }
    int k = stripes > 0 ? stripes : last.stripeCount();
    long ss =
        stripeSize > 0
            ? stripeSize(vg, k, stripeSize)
            : (k == last.stripeCount() && k > 1 ? last.stripeSize() : stripeSize(vg, k, 0));
    long requestedAdd = target - current;
    long add = roundUp(requestedAdd, k);
    AllocationPolicy pol = effective(policy, lv.allocationPolicy(), vg);
    if (k > 1 && k > cands.size() && pol != AllocationPolicy.ANYWHERE) {
      bad(
          "Number of stripes ("
              + k
              + ") must not exceed number of physical volumes ("
              + cands.size()
              + ")");
    }
    Allocator a = new Allocator(map, cands, k, segs.get(0), last);
    List<Allocator.Piece> pieces = a.allocate(add, pol, lvName, approximate(size));
    List<Segment> all = new ArrayList<>(lv.segments());
    all.addAll(toSegments(pieces, current, ss));
    LogicalVolume grown = lv.withSegments(Segments.merge(all));
    return new Result(
        vg.withLv(grown),
        grown,
        current,
        current + requestedAdd,
        size.needsRounding(vg.extentSize()),
        add != requestedAdd);
  }

  /**
   * lvreduce: drops extents from the end. A striped segment that is cut keeps a multiple of its
   * stripe count (the new size is rounded down to that boundary, as lvm2 does).
   *
   * @param size absolute, or relative with {@code -}
   */
  public static Result reduce(VolumeGroup vg, String lvName, SizeSpec size) {
    LogicalVolume lv = vg.requireLv(lvName);
    lv.stripedSegments("reduce", vg.name());
    long current = lv.extentCount();
    if (size.sign() > 0) {
      bad("Positive size given to lvreduce; use lvextend.");
    }
    ExtentMap map = ExtentMap.of(vg);
    // lvm2 rounds percentages up unless the size is "-": percent_of_extents(.., sign != MINUS)
    long amount = extents(vg, map, size, List.of(), size.sign() >= 0);
    long target = size.sign() < 0 ? current - amount : amount;
    if (target >= current) {
      bad(
          "New size given ("
              + target
              + " extents) not less than existing size ("
              + current
              + " extents)");
    }
    if (target <= 0) {
      bad("Unable to reduce " + vg.name() + "/" + lvName + " below 1 extent.");
    }
    long requested = target;
    // lvm2 rounds the cut up to the stripe boundary of the segment it falls into
    // ("Rounding size (N extents) up to stripe boundary size for segment (M extents)").
    for (Segment s : lv.segments()) {
      StripedSegment st = (StripedSegment) s;
      if (st.startExtent() < target && target < st.endExtent()) {
        long keep = target - st.startExtent();
        target = st.startExtent() + roundUp(keep, st.stripeCount());
      }
    }
    if (target >= current) {
      bad("New size (" + target + " extents) matches existing size (" + current + " extents)");
    }
    List<Segment> kept = new ArrayList<>();
    for (Segment s : lv.segments()) {
      if (s.startExtent() >= target) {
        break;
      }
      StripedSegment st = (StripedSegment) s;
      kept.add(st.endExtent() <= target ? st : st.withExtentCount(target - st.startExtent()));
    }
    LogicalVolume shrunk = lv.withSegments(kept);
    return new Result(
        vg.withLv(shrunk),
        shrunk,
        current,
        requested,
        size.needsRounding(vg.extentSize()),
        target != requested);
  }

  /** lvremove. */
  public static VolumeGroup remove(VolumeGroup vg, String lvName) {
    LogicalVolume lv = vg.requireLv(lvName);
    lv.stripedSegments("remove", vg.name());
    if (!lv.visible()) {
      bad("Can't remove internal logical volume " + vg.name() + "/" + lvName + ".");
    }
    refuseIfReferenced(vg, lvName, "remove");
    return vg.withoutLv(lvName);
  }

  /** lvrename. */
  public static VolumeGroup rename(VolumeGroup vg, String oldName, String newName) {
    LogicalVolume lv = vg.requireLv(oldName);
    if (oldName.equals(newName)) {
      bad("Old and new logical volume names must differ");
    }
    Names.checkLvNameInVg(vg.name(), newName).ifPresent(LvOperations::bad);
    if (vg.lv(newName).isPresent()) {
      bad(
          "Logical Volume \""
              + newName
              + "\" already exists in volume group \""
              + vg.name()
              + "\"");
    }
    lv.stripedSegments("rename", vg.name());
    refuseIfReferenced(vg, oldName, "rename");
    return vg.withLv(lv.withName(newName));
  }

  /** lvm2's name for an unnamed LV: {@code lvol<highest + 1>}. */
  public static String nextLvolName(VolumeGroup vg) {
    long high = -1;
    for (LogicalVolume lv : vg.lvs()) {
      Matcher m = LVOL.matcher(lv.name());
      if (m.matches() && m.group(1).length() < 10) {
        high = Math.max(high, Long.parseLong(m.group(1)));
      }
    }
    return "lvol" + (high + 1);
  }

  // ---- helpers ----

  private static long visibleCount(VolumeGroup vg) {
    return vg.lvs().stream().filter(LogicalVolume::visible).count();
  }

  /** The PVs lvm2 would allocate from, in its order. */
  static List<LvmUuid> candidatePvs(VolumeGroup vg, ExtentMap map, List<LvmUuid> requested) {
    List<LvmUuid> order = new ArrayList<>();
    if (requested.isEmpty()) {
      for (PhysicalVolume pv : vg.pvs()) {
        order.add(pv.id());
      }
    } else {
      for (LvmUuid id : requested) {
        if (vg.pv(id).isEmpty()) {
          bad("Physical volume " + id + " is not in volume group " + vg.name() + ".");
        }
        if (!order.contains(id)) {
          order.add(id);
        }
      }
    }
    List<LvmUuid> out = new ArrayList<>();
    for (LvmUuid id : order) {
      PhysicalVolume pv = vg.pv(id).orElseThrow();
      if (pv.allocatable() && !pv.missing() && !map.reservedPvs().contains(id)) {
        out.add(id);
      }
    }
    if (out.isEmpty()) {
      throw new AllocationException("No specified PVs have space available");
    }
    return out;
  }

  private static long extents(
      VolumeGroup vg, ExtentMap map, SizeSpec size, List<LvmUuid> pvs, boolean roundUp) {
    long pvsFree = 0;
    for (LvmUuid pv : pvs) {
      pvsFree += map.freeExtents(pv);
    }
    return size.toExtents(vg.extentSize(), vg.extentCount(), map.freeExtents(), pvsFree, roundUp);
  }

  private static boolean approximate(SizeSpec s) {
    // lvm2 sets approx_alloc for every percentage size.
    return s.kind() != SizeSpec.Kind.BYTES && s.kind() != SizeSpec.Kind.EXTENTS;
  }

  private static long roundUp(long n, int k) {
    return (n + k - 1) / k * k;
  }

  private static long stripeSize(VolumeGroup vg, int stripes, long requested) {
    if (stripes > StripedSegment.MAX_STRIPES) {
      bad(
          "Number of stripes ("
              + stripes
              + ") must be between 1 and "
              + StripedSegment.MAX_STRIPES);
    }
    if (stripes == 1) {
      return 0;
    }
    long s = requested == 0 ? DEFAULT_STRIPE_SIZE : requested;
    if (s < 8 || Long.bitCount(s) != 1) {
      bad("Invalid stripe size " + s * 512 + " bytes: must be a power of 2 and at least 4 KiB.");
    }
    // lvm2: "Reducing requested stripe size to maximum, physical extent size".
    return Math.min(s, vg.extentSize());
  }

  private static AllocationPolicy effective(
      AllocationPolicy requested, AllocationPolicy lvPolicy, VolumeGroup vg) {
    if (requested != null && requested != AllocationPolicy.INHERIT) {
      return requested;
    }
    if (lvPolicy != null && lvPolicy != AllocationPolicy.INHERIT) {
      return lvPolicy;
    }
    return vg.allocationPolicy();
  }

  private static List<StripedSegment> toSegments(
      List<Allocator.Piece> pieces, long startLe, long stripeSize) {
    List<StripedSegment> out = new ArrayList<>();
    long le = startLe;
    for (Allocator.Piece p : pieces) {
      long count = p.length() * p.areas().size();
      out.add(new StripedSegment(le, count, stripeSize, p.areas(), List.of()));
      le += count;
    }
    return out;
  }

  /** Opaque segments name other LVs (pool data, images, origins): those must not change. */
  private static void refuseIfReferenced(VolumeGroup vg, String lvName, String operation) {
    for (LogicalVolume other : vg.lvs()) {
      for (Segment s : other.segments()) {
        if (s instanceof OpaqueSegment o && mentions(o.entries(), lvName)) {
          throw o.refuse(operation, vg.name() + "/" + lvName + " (used by " + other.name() + ")");
        }
      }
    }
  }

  private static boolean mentions(List<RawEntry> entries, String name) {
    for (RawEntry e : entries) {
      if (e instanceof RawEntry.Section sec) {
        if (mentions(sec.entries(), name)) {
          return true;
        }
      } else if (mentions(((RawEntry.Setting) e).value(), name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentions(ConfigValue v, String name) {
    if (v instanceof ConfigValue.Str s) {
      return s.value().equals(name);
    }
    if (v instanceof ConfigValue.Array a) {
      for (ConfigValue x : a.items()) {
        if (mentions(x, name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void bad(String message) {
    throw new IllegalArgumentException(message);
  }
}
