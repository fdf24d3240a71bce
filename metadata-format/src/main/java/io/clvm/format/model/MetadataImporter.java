package io.clvm.format.model;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import io.clvm.format.text.ConfigNode;
import io.clvm.format.text.ConfigSection;
import io.clvm.format.text.ConfigSetting;
import io.clvm.format.text.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps the generic tree of a parsed metadata text to the model, checking what lvm2's importer
 * ({@code lib/format_text/import_vsn1.c}) checks: required keys, known status words, segment
 * coverage, references to PVs.
 *
 * <p>Keys the model has no field for are kept ({@code extra}), unknown compatible flag words are
 * kept, segment types other than {@code striped} become {@link OpaqueSegment}s; nothing is dropped
 * except what lvm2 itself drops ({@code PARTIAL} in a VG's status).
 */
public final class MetadataImporter {
  static final String STRUCTURE = "metadata text";

  private static final Set<String> VG_KEYS =
      Set.of(
          "id",
          "seqno",
          "format",
          "status",
          "flags",
          "tags",
          "system_id",
          "lock_type",
          "lock_args",
          "extent_size",
          "max_lv",
          "max_pv",
          "allocation_policy",
          "profile",
          "metadata_copies",
          "physical_volumes",
          "logical_volumes");

  private static final Set<String> PV_KEYS =
      Set.of(
          "id",
          "device",
          "status",
          "flags",
          "tags",
          "dev_size",
          "pe_start",
          "pe_count",
          "ba_start",
          "ba_size",
          "device_id_type",
          "device_id");

  private static final Set<String> LV_KEYS =
      Set.of(
          "id",
          "status",
          "flags",
          "tags",
          "creation_time",
          "creation_host",
          "lock_args",
          "allocation_policy",
          "profile",
          "read_ahead",
          "major",
          "minor",
          "segment_count");

  private static final Set<String> STRIPED_KEYS =
      Set.of(
          "start_extent", "extent_count", "type", "stripe_count", "stripe_size", "stripes", "tags");

  private final String device;
  private final long offset;

  private MetadataImporter(String device, long offset) {
    this.device = device;
    this.offset = offset;
  }

  /**
   * @param root the parse result (nameless root section)
   * @param device device named in errors, or {@code null}
   * @param offset byte offset named in errors, or {@link MetadataException#UNKNOWN_OFFSET}
   */
  public static VgMetadata importTree(ConfigSection root, String device, long offset)
      throws MetadataException {
    return new MetadataImporter(device, offset).vgMetadata(root);
  }

  public static VgMetadata importTree(ConfigSection root) throws MetadataException {
    return importTree(root, null, MetadataException.UNKNOWN_OFFSET);
  }

  private VgMetadata vgMetadata(ConfigSection root) throws MetadataException {
    Optional<ConfigValue> contents = root.value("contents");
    if (contents.isEmpty()
        || !(contents.get() instanceof ConfigValue.Str s)
        || !s.value().equals(MetadataPrinter.CONTENTS)) {
      throw error(Kind.MISSING, "Can't process text format file - missing contents field.");
    }
    Optional<ConfigValue> version = root.value("version");
    if (version.isEmpty() || !(version.get() instanceof ConfigValue.Int v) || v.value() != 1) {
      throw error(
          Kind.UNSUPPORTED_VERSION,
          "Can't process text format file - unsupported version" + " (expected version = 1).");
    }
    ConfigSection vgSec =
        root.firstSection().orElseThrow(() -> error(Kind.MISSING, "no volume group section"));
    VolumeGroup vg = vg(vgSec);
    MetadataHeader header =
        new MetadataHeader(
            optString(root, "description", "").orElse(""),
            optString(root, "creation_host", "").orElse(""),
            optString(root, "creation_host_system_id", "").orElse(null),
            optInt(root, "creation_time", "").orElse(0L),
            null,
            null);
    return new VgMetadata(vg, header);
  }

  private VolumeGroup vg(ConfigSection s) throws MetadataException {
    String name = s.key();
    Optional<String> bad = Names.checkVgName(name);
    if (bad.isPresent()) {
      throw error(Kind.BAD_VALUE, bad.get());
    }
    String where = "VG " + name;
    VolumeGroup.Builder b = VolumeGroup.builder(name, uuid(s, where));
    b.seqno(reqInt(s, "seqno", where));
    Optional<String> format = optString(s, "format", where);
    if (format.isPresent() && !format.get().equals(VolumeGroup.FORMAT_LVM2)) {
      throw error(Kind.BAD_VALUE, where + ": unknown format \"" + format.get() + "\"");
    }
    EnumSet<VgFlag> flags = EnumSet.noneOf(VgFlag.class);
    List<String> unknown = new ArrayList<>();
    for (String w : words(s, "status", true, where)) {
      if (w.equals("PARTIAL")) {
        continue; // lvm2 accepts it from old backups and never writes it again
      }
      flags.add(VgFlag.of(w).orElseThrow(() -> unknownStatus(w, where)));
    }
    for (String w : words(s, "flags", false, where)) {
      if (w.equals("WRITE_LOCKED")) {
        flags.add(VgFlag.WRITE);
      } else {
        VgFlag.of(w).ifPresentOrElse(flags::add, () -> unknown.add(w));
      }
    }
    b.flags(flags).unknownFlags(unknown);
    b.tags(words(s, "tags", false, where));
    b.systemId(optString(s, "system_id", where).orElse(null));
    b.lockType(optString(s, "lock_type", where).orElse(null));
    b.lockArgs(optString(s, "lock_args", where).orElse(null));
    b.extentSize(reqInt(s, "extent_size", where));
    b.maxLv(reqInt(s, "max_lv", where));
    b.maxPv(reqInt(s, "max_pv", where));
    Optional<String> alloc = optString(s, "allocation_policy", where);
    if (alloc.isPresent()) {
      b.allocationPolicy(policy(alloc.get(), where));
    }
    b.profile(optString(s, "profile", where).orElse(null));
    b.metadataCopies(optInt(s, "metadata_copies", where).orElse(0L));

    ConfigSection pvSec =
        s.section("physical_volumes")
            .orElseThrow(() -> error(Kind.MISSING, where + ": missing section physical_volumes"));
    Map<String, LvmUuid> pvKeys = new HashMap<>();
    List<PhysicalVolume> pvs = new ArrayList<>();
    Set<LvmUuid> seen = new HashSet<>();
    for (ConfigSection p : pvSec.sections()) {
      PhysicalVolume pv = pv(p, where);
      if (!seen.add(pv.id())) {
        throw error(Kind.INCONSISTENT, where + ": duplicate PV UUID " + pv.id());
      }
      pvKeys.put(p.key(), pv.id());
      pvs.add(pv);
    }
    b.pvs(pvs);

    Set<String> lvNames = new HashSet<>();
    Optional<ConfigSection> lvSec = s.section("logical_volumes");
    if (lvSec.isPresent()) {
      for (ConfigSection l : lvSec.get().sections()) {
        lvNames.add(l.key());
      }
    }
    List<LogicalVolume> lvs = new ArrayList<>();
    if (lvSec.isPresent()) {
      for (ConfigSection l : lvSec.get().sections()) {
        lvs.add(lv(l, where, pvKeys, lvNames, pvs));
      }
    }
    b.lvs(lvs);
    b.extra(extra(s, VG_KEYS));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw error(Kind.INCONSISTENT, where + ": " + e.getMessage());
    }
  }

  private PhysicalVolume pv(ConfigSection p, String vgWhere) throws MetadataException {
    String where = vgWhere + ": PV " + p.key();
    LvmUuid id = uuid(p, where);
    EnumSet<PvFlag> flags = EnumSet.noneOf(PvFlag.class);
    List<String> unknown = new ArrayList<>();
    for (String w : words(p, "status", true, where)) {
      flags.add(PvFlag.of(w).orElseThrow(() -> unknownStatus(w, where)));
    }
    for (String w : words(p, "flags", false, where)) {
      PvFlag.of(w).ifPresentOrElse(flags::add, () -> unknown.add(w));
    }
    long baStart = optInt(p, "ba_start", where).orElse(0L);
    long baSize = optInt(p, "ba_size", where).orElse(0L);
    try {
      return new PhysicalVolume(
          id,
          // lvm2 writes "[unknown]" for a PV whose device it did not have
          optString(p, "device", where).filter(d -> !d.equals("[unknown]")).orElse(null),
          flags,
          unknown,
          words(p, "tags", false, where),
          optInt(p, "dev_size", where).orElse(0L),
          reqInt(p, "pe_start", where),
          reqInt(p, "pe_count", where),
          baStart,
          baSize,
          optString(p, "device_id_type", where).orElse(null),
          optString(p, "device_id", where).orElse(null),
          extra(p, PV_KEYS));
    } catch (IllegalArgumentException e) {
      throw error(Kind.BAD_VALUE, where + ": " + e.getMessage());
    }
  }

  private LogicalVolume lv(
      ConfigSection l,
      String vgWhere,
      Map<String, LvmUuid> pvKeys,
      Set<String> lvNames,
      List<PhysicalVolume> pvs)
      throws MetadataException {
    String where = vgWhere + ": LV " + l.key();
    LvmUuid id = uuid(l, where);
    EnumSet<LvFlag> flags = EnumSet.noneOf(LvFlag.class);
    List<String> unknown = new ArrayList<>();
    for (String w : words(l, "status", true, where)) {
      flags.add(LvFlag.of(w).orElseThrow(() -> unknownStatus(w, where)));
    }
    for (String w : words(l, "flags", false, where)) {
      if (w.equals("WRITE_LOCKED")) {
        flags.add(LvFlag.WRITE);
      } else {
        LvFlag.of(w).ifPresentOrElse(flags::add, () -> unknown.add(w));
      }
    }
    Optional<Long> ctime = optInt(l, "creation_time", where);
    Optional<String> chost = optString(l, "creation_host", where);
    if (ctime.isPresent() != chost.isPresent()) {
      throw error(Kind.MISSING, where + ": creation_time and creation_host must appear together");
    }
    AllocationPolicy policy = AllocationPolicy.INHERIT;
    Optional<String> alloc = optString(l, "allocation_policy", where);
    if (alloc.isPresent()) {
      policy = policy(alloc.get(), where);
    }
    long readAhead = optInt(l, "read_ahead", where).orElse(0L);
    long segCount = reqInt(l, "segment_count", where);
    List<ConfigSection> segSecs = l.sections();
    if (segCount != segSecs.size()) {
      throw error(
          Kind.INCONSISTENT,
          where
              + ": segment_count and actual number of segments disagree for logical volume "
              + l.key()
              + " ("
              + segCount
              + " != "
              + segSecs.size()
              + ").");
    }
    if (segSecs.isEmpty()) {
      throw error(Kind.MISSING, where + ": no segments");
    }
    List<Segment> segs = new ArrayList<>();
    for (ConfigSection seg : segSecs) {
      segs.add(segment(seg, where, pvKeys, lvNames));
    }
    segs.sort(Comparator.comparingLong(Segment::startExtent));
    // lvm2 merges adjacent compatible segments on import "in case someone's been editing things
    // by hand"; its next write then shows them merged, and so does clvm's.
    List<Segment> merged = StripedSegment.merge(segs);
    try {
      return new LogicalVolume(
          l.key(),
          id,
          flags,
          unknown,
          words(l, "tags", false, where),
          ctime.orElse(0L),
          chost.orElse(null),
          optString(l, "lock_args", where).orElse(null),
          policy,
          optString(l, "profile", where).orElse(null),
          readAhead,
          optInt(l, "major", where).orElse(-1L),
          optInt(l, "minor", where).orElse(-1L),
          merged,
          extraSettings(l, LV_KEYS));
    } catch (IllegalArgumentException e) {
      throw error(Kind.INCONSISTENT, where + ": " + e.getMessage());
    }
  }

  private Segment segment(
      ConfigSection s, String lvWhere, Map<String, LvmUuid> pvKeys, Set<String> lvNames)
      throws MetadataException {
    String where = lvWhere + ": " + s.key();
    long start = reqInt(s, "start_extent", where);
    long count = reqInt(s, "extent_count", where);
    String type = reqString(s, "type", where);
    if (count <= 0 || start < 0) {
      throw error(Kind.BAD_VALUE, where + ": bad extent range " + start + "+" + count);
    }
    if (type.equals(StripedSegment.TYPE)) {
      Optional<StripedSegment> st = striped(s, where, start, count, pvKeys, lvNames);
      if (st.isPresent()) {
        return st.get();
      }
    }
    List<RawEntry> entries = new ArrayList<>();
    Set<LvmUuid> refs = new HashSet<>();
    for (ConfigNode n : s.children()) {
      String k = n.key();
      if (k.equals("start_extent") || k.equals("extent_count") || k.equals("type")) {
        continue;
      }
      RawEntry e = raw(n);
      entries.add(e);
      collectPvRefs(e, pvKeys, refs);
    }
    return new OpaqueSegment(start, count, type, entries, refs);
  }

  /**
   * A striped segment, or empty when it uses something clvm does not model (areas on LVs, extra
   * keys): then it is kept opaque like any other type.
   */
  private Optional<StripedSegment> striped(
      ConfigSection s,
      String where,
      long start,
      long count,
      Map<String, LvmUuid> pvKeys,
      Set<String> lvNames)
      throws MetadataException {
    Set<String> known = STRIPED_KEYS;
    for (ConfigNode n : s.children()) {
      if (!known.contains(n.key())) {
        return Optional.empty();
      }
    }
    long stripeCount = reqInt(s, "stripe_count", where);
    if (stripeCount < 1 || stripeCount > StripedSegment.MAX_STRIPES) {
      throw error(Kind.BAD_VALUE, where + ": stripe_count " + stripeCount + " out of range");
    }
    long stripeSize = 0;
    if (stripeCount > 1) {
      stripeSize = reqInt(s, "stripe_size", where);
    }
    ConfigValue v =
        s.value("stripes").orElseThrow(() -> error(Kind.MISSING, where + ": missing stripes"));
    if (!(v instanceof ConfigValue.Array a) || a.items().size() != 2 * stripeCount) {
      throw error(
          Kind.BAD_VALUE, where + ": stripes must list " + stripeCount + " (PV, extent) pairs");
    }
    if (count % stripeCount != 0) {
      throw error(
          Kind.BAD_VALUE,
          where + ": extent_count " + count + " is not a multiple of stripe_count " + stripeCount);
    }
    List<Stripe> stripes = new ArrayList<>();
    for (int i = 0; i < a.items().size(); i += 2) {
      if (!(a.items().get(i) instanceof ConfigValue.Str name)
          || !(a.items().get(i + 1) instanceof ConfigValue.Int pe)) {
        throw error(Kind.BAD_VALUE, where + ": stripes must alternate name and extent");
      }
      LvmUuid pv = pvKeys.get(name.value());
      if (pv == null) {
        if (!lvNames.contains(name.value())) {
          throw error(
              Kind.MISSING, where + ": Couldn't find volume '" + name.value() + "' for segment.");
        }
        return Optional.empty(); // an area on an LV (stacked segment): not modelled
      }
      if (pe.value() < 0) {
        throw error(Kind.BAD_VALUE, where + ": negative extent in stripes");
      }
      stripes.add(new Stripe(pv, pe.value()));
    }
    return Optional.of(
        new StripedSegment(start, count, stripeSize, stripes, words(s, "tags", false, where)));
  }

  private static void collectPvRefs(RawEntry e, Map<String, LvmUuid> pvKeys, Set<LvmUuid> refs) {
    if (e instanceof RawEntry.Setting st) {
      collectPvRefs(st.value(), pvKeys, refs);
    } else {
      for (RawEntry x : ((RawEntry.Section) e).entries()) {
        collectPvRefs(x, pvKeys, refs);
      }
    }
  }

  private static void collectPvRefs(ConfigValue v, Map<String, LvmUuid> pvKeys, Set<LvmUuid> refs) {
    if (v instanceof ConfigValue.Str s && pvKeys.containsKey(s.value())) {
      refs.add(pvKeys.get(s.value()));
    } else if (v instanceof ConfigValue.Array a) {
      for (ConfigValue x : a.items()) {
        collectPvRefs(x, pvKeys, refs);
      }
    }
  }

  // ---- generic helpers ----

  private static List<RawEntry> extra(ConfigSection s, Set<String> known) {
    List<RawEntry> out = new ArrayList<>();
    for (ConfigNode n : s.children()) {
      if (!known.contains(n.key())) {
        out.add(raw(n));
      }
    }
    return out;
  }

  /** Unknown settings only: an LV's sub-sections are its segments. */
  private static List<RawEntry> extraSettings(ConfigSection s, Set<String> known) {
    List<RawEntry> out = new ArrayList<>();
    for (ConfigNode n : s.children()) {
      if (n instanceof ConfigSetting && !known.contains(n.key())) {
        out.add(raw(n));
      }
    }
    return out;
  }

  static RawEntry raw(ConfigNode n) {
    if (n instanceof ConfigSetting st) {
      return new RawEntry.Setting(st.key(), st.value());
    }
    ConfigSection sec = (ConfigSection) n;
    List<RawEntry> entries = new ArrayList<>();
    for (ConfigNode c : sec.children()) {
      entries.add(raw(c));
    }
    return new RawEntry.Section(sec.key(), entries);
  }

  private AllocationPolicy policy(String w, String where) throws MetadataException {
    return AllocationPolicy.of(w)
        .orElseThrow(
            () -> error(Kind.BAD_VALUE, where + ": unknown allocation_policy \"" + w + "\""));
  }

  private LvmUuid uuid(ConfigSection s, String where) throws MetadataException {
    String text = reqString(s, "id", where);
    try {
      return LvmUuid.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(Kind.BAD_VALUE, where + ": invalid id: " + e.getMessage());
    }
  }

  private long reqInt(ConfigSection s, String key, String where) throws MetadataException {
    return optInt(s, key, where)
        .orElseThrow(() -> error(Kind.MISSING, where + ": missing required key " + key));
  }

  private Optional<Long> optInt(ConfigSection s, String key, String where)
      throws MetadataException {
    Optional<ConfigValue> v = s.value(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.get() instanceof ConfigValue.Int i) {
      return Optional.of(i.value());
    }
    throw error(Kind.BAD_VALUE, prefix(where) + key + " must be an integer");
  }

  private String reqString(ConfigSection s, String key, String where) throws MetadataException {
    return optString(s, key, where)
        .orElseThrow(() -> error(Kind.MISSING, where + ": missing required key " + key));
  }

  private Optional<String> optString(ConfigSection s, String key, String where)
      throws MetadataException {
    Optional<ConfigValue> v = s.value(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.get() instanceof ConfigValue.Str str) {
      return Optional.of(str.value());
    }
    throw error(Kind.BAD_VALUE, prefix(where) + key + " must be a string");
  }

  /** A string list ({@code status}, {@code flags}, {@code tags}); {@code []} is empty. */
  private List<String> words(ConfigSection s, String key, boolean required, String where)
      throws MetadataException {
    Optional<ConfigValue> v = s.value(key);
    if (v.isEmpty()) {
      if (required) {
        throw error(Kind.MISSING, where + ": missing required key " + key);
      }
      return List.of();
    }
    List<ConfigValue> items = v.get() instanceof ConfigValue.Array a ? a.items() : List.of(v.get());
    List<String> out = new ArrayList<>(items.size());
    for (ConfigValue x : items) {
      if (!(x instanceof ConfigValue.Str str)) {
        throw error(Kind.BAD_VALUE, prefix(where) + key + ": value is not a string");
      }
      out.add(str.value());
    }
    return out;
  }

  private static String prefix(String where) {
    return where.isEmpty() ? "" : where + ": ";
  }

  private MetadataException unknownStatus(String w, String where) {
    return error(Kind.BAD_VALUE, where + ": Unknown status flag '" + w + "'.");
  }

  private MetadataException error(Kind kind, String reason) {
    return new MetadataException(kind, device, offset, STRUCTURE, reason);
  }
}
