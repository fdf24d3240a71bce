package io.clvm.format.report;

import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvFlag;
import io.clvm.format.model.OpaqueSegment;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.RawEntry;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.text.ConfigValue;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code lvs} (and {@code lvs --segments}) fields that follow from the metadata, as lvm2 computes
 * them. Sizes are bytes. PV device names come from a caller-supplied function (the scan knows the
 * real paths); {@link #DEVICE_HINT} uses the metadata's {@code device} hint.
 */
public final class LvReport {
  /** Names a PV by the device hint in the metadata, {@code [unknown]} when there is none. */
  public static final Function<PhysicalVolume, String> DEVICE_HINT =
      pv -> pv.device() == null || pv.missing() ? "[unknown]" : pv.device();

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx", Locale.ROOT);

  private LvReport() {}

  /** {@code lv_size}. */
  public static long lvSize(VolumeGroup vg, LogicalVolume lv) {
    return lv.extentCount() * vg.extentSize() * 512;
  }

  public static long segCount(LogicalVolume lv) {
    return lv.segments().size();
  }

  public static String lvFullName(VolumeGroup vg, LogicalVolume lv) {
    return vg.name() + "/" + lv.name();
  }

  /** {@code lv_path}: {@code /dev/<vg>/<lv>} (empty for hidden LVs, as in lvm2). */
  public static String lvPath(VolumeGroup vg, LogicalVolume lv) {
    return lv.visible() ? "/dev/" + vg.name() + "/" + lv.name() : "";
  }

  /** {@code lv_dm_path}: {@code /dev/mapper/<dm name>}. */
  public static String lvDmPath(VolumeGroup vg, LogicalVolume lv) {
    return "/dev/mapper/" + dmName(vg.name(), lv.name());
  }

  /** The device-mapper name: VG and LV names with every {@code -} doubled, joined by {@code -}. */
  public static String dmName(String vgName, String lvName) {
    return vgName.replace("-", "--") + "-" + lvName.replace("-", "--");
  }

  /** The device-mapper UUID: {@code LVM-} + VG UUID + LV UUID, without dashes. */
  public static String dmUuid(VolumeGroup vg, LogicalVolume lv) {
    return "LVM-" + vg.id().raw() + lv.id().raw();
  }

  /** {@code lv_layout}: {@code linear} when every segment has one stripe, else {@code striped}. */
  public static String lvLayout(LogicalVolume lv) {
    boolean linear = true;
    for (Segment s : lv.segments()) {
      if (s instanceof OpaqueSegment o) {
        return o.type().replaceFirst("\\+.*", "");
      }
      linear &= ((StripedSegment) s).isLinear();
    }
    return linear ? "linear" : "striped";
  }

  /** {@code lv_role}: {@code public} for visible LVs, {@code private} for hidden ones. */
  public static String lvRole(LogicalVolume lv) {
    return lv.visible() ? "public" : "private";
  }

  /** {@code lv_allocation_policy}. */
  public static String lvAllocationPolicy(LogicalVolume lv) {
    return lv.allocationPolicy().word();
  }

  /** {@code lv_read_ahead}: {@code auto} or the value in bytes. */
  public static String lvReadAhead(LogicalVolume lv) {
    if (lv.readAhead() == 0) {
      return "auto";
    }
    return lv.readAhead() < 0 ? "0" : Long.toString(lv.readAhead() * 512);
  }

  /** {@code lv_time} in {@code zone}: {@code 2026-11-27 09:40:16 +0000}; empty when unknown. */
  public static String lvTime(LogicalVolume lv, ZoneId zone) {
    return lv.creationTime() == 0
        ? ""
        : TIME.format(Instant.ofEpochSecond(lv.creationTime()).atZone(zone));
  }

  public static String lvHost(LogicalVolume lv) {
    return lv.creationHost() == null ? "" : lv.creationHost();
  }

  /** {@code lv_tags}: sorted, comma-separated. */
  public static String lvTags(LogicalVolume lv) {
    return VgReport.joinSorted(lv.tags());
  }

  /**
   * {@code lv_attr}, ten characters, e.g. {@code -wi-a-----}.
   *
   * <p>Positions 1-4, 7, 8 and 10 follow from the metadata; 5 and 6 from {@code state}; 9 (health)
   * is {@code p} when a PV is missing, else {@code -}. For opaque segment types the volume type and
   * target characters follow lvm2's letters (t thin pool, V thin volume, r raid, m mirror, s
   * snapshot, C cache, d/v vdo).
   */
  public static String lvAttr(VolumeGroup vg, LogicalVolume lv, ActivationState state) {
    char[] a = "----------".toCharArray();
    String type =
        lv.firstOpaqueSegment().map(o -> o.type().replaceFirst("\\+.*", "")).orElse("striped");
    a[0] = volumeType(vg, lv, type);
    a[1] = lv.flags().contains(LvFlag.WRITE) ? 'w' : 'r';
    char p = AttrChars.policy(lv.allocationPolicy());
    a[2] = lv.flags().contains(LvFlag.LOCKED) ? Character.toUpperCase(p) : p;
    a[3] = lv.flags().contains(LvFlag.FIXED_MINOR) ? 'm' : '-';
    switch (state) {
      case UNKNOWN -> {
        a[4] = 'X';
        a[5] = 'X';
      }
      case ACTIVE -> a[4] = 'a';
      case OPEN -> {
        a[4] = 'a';
        a[5] = 'o';
      }
      case SUSPENDED -> a[4] = 's';
      default -> {}
    }
    a[6] = targetType(type);
    a[7] = type.equals("thin-pool") && zeroing(lv) ? 'z' : '-';
    a[8] = usesMissingPv(vg, lv) ? 'p' : '-';
    a[9] = lv.flags().contains(LvFlag.ACTIVATION_SKIP) ? 'k' : '-';
    return new String(a);
  }

  private static char volumeType(VolumeGroup vg, LogicalVolume lv, String type) {
    String n = lv.name();
    if (!lv.visible()) {
      if (n.contains("_rimage") || n.contains("_mimage")) {
        return 'i';
      }
      if (n.contains("_rmeta")
          || n.contains("_tmeta")
          || n.contains("_cmeta")
          || n.contains("_pmspare")) {
        return 'e';
      }
      if (n.contains("_mlog")) {
        return 'l';
      }
      if (n.contains("_tdata")) {
        return 'T';
      }
    }
    if (lv.flags().contains(LvFlag.PVMOVE)) {
      return 'p';
    }
    if (type.startsWith("raid")) {
      return 'r';
    }
    return switch (type) {
      case "thin-pool" -> 't';
      case "thin" -> 'V';
      case "mirror" -> 'm';
      case "snapshot" -> 's';
      case "cache", "cache-pool", "writecache" -> 'C';
      case "vdo-pool" -> 'd';
      case "vdo" -> 'v';
      default -> isOrigin(vg, lv) ? 'o' : '-';
    };
  }

  private static char targetType(String type) {
    if (type.startsWith("raid")) {
      return 'r';
    }
    return switch (type) {
      case "striped" -> '-';
      case "mirror" -> 'm';
      case "snapshot" -> 's';
      case "thin", "thin-pool" -> 't';
      case "cache", "cache-pool", "writecache" -> 'C';
      case "vdo", "vdo-pool" -> 'V';
      default -> 'u';
    };
  }

  /** The names of the LVs that snapshot segments name as their {@code origin}, for one VG. */
  private record Origins(VolumeGroup vg, Set<String> names) {}

  // The last VG's origins: lv_attr is asked for every LV of a VG in turn, and a scan of every
  // segment per LV made lvs quadratic (a third of lvs' time at 1,000 LVs).
  private static volatile Origins lastOrigins;

  /** Whether a snapshot segment names this LV as its {@code origin}. */
  private static boolean isOrigin(VolumeGroup vg, LogicalVolume lv) {
    Origins o = lastOrigins;
    if (o == null || o.vg() != vg) {
      o = new Origins(vg, originNames(vg));
      lastOrigins = o;
    }
    return o.names().contains(lv.name());
  }

  private static Set<String> originNames(VolumeGroup vg) {
    Set<String> names = new HashSet<>();
    if (!vg.hasOpaqueSegments()) {
      return names;
    }
    for (LogicalVolume other : vg.lvs()) {
      for (Segment s : other.segments()) {
        if (s instanceof OpaqueSegment o && o.type().equals("snapshot")) {
          for (RawEntry e : o.entries()) {
            if (e instanceof RawEntry.Setting st
                && st.key().equals("origin")
                && st.value() instanceof ConfigValue.Str v) {
              names.add(v.value());
            }
          }
        }
      }
    }
    return names;
  }

  private static boolean zeroing(LogicalVolume lv) {
    for (Segment s : lv.segments()) {
      if (s instanceof OpaqueSegment o) {
        for (RawEntry e : o.entries()) {
          if (e instanceof RawEntry.Setting st
              && st.key().equals("zero_new_blocks")
              && st.value() instanceof ConfigValue.Int i
              && i.value() != 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean usesMissingPv(VolumeGroup vg, LogicalVolume lv) {
    for (Segment s : lv.segments()) {
      if (s instanceof StripedSegment st) {
        for (Stripe area : st.stripes()) {
          if (vg.pv(area.pv()).map(PhysicalVolume::missing).orElse(true)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  // ---- segments (lvs --segments) ----

  /** {@code segtype}: {@code linear} for one stripe, else the type name. */
  public static String segtype(Segment s) {
    if (s instanceof StripedSegment st) {
      return st.isLinear() ? "linear" : "striped";
    }
    return s.type().replaceFirst("\\+.*", "");
  }

  /** {@code stripes}: number of areas. */
  public static long stripes(Segment s) {
    return s instanceof StripedSegment st ? st.stripeCount() : 0;
  }

  /** {@code stripe_size} in bytes (0 for linear). */
  public static long stripeSize(Segment s) {
    return s instanceof StripedSegment st ? st.stripeSize() * 512 : 0;
  }

  /** {@code seg_size} in bytes. */
  public static long segSize(VolumeGroup vg, Segment s) {
    return s.extentCount() * vg.extentSize() * 512;
  }

  /** {@code seg_pe_ranges}: {@code dev:first-last} per stripe, separated by spaces. */
  public static String segPeRanges(
      VolumeGroup vg, Segment s, Function<PhysicalVolume, String> device) {
    return ranges(vg, s, device, " ");
  }

  /** {@code seg_le_ranges}: as {@link #segPeRanges} but separated by commas. */
  public static String segLeRanges(
      VolumeGroup vg, Segment s, Function<PhysicalVolume, String> device) {
    return ranges(vg, s, device, ",");
  }

  /** {@code devices}: {@code dev(first)} per stripe, separated by commas. */
  public static String devices(VolumeGroup vg, Segment s, Function<PhysicalVolume, String> device) {
    if (!(s instanceof StripedSegment st)) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (Stripe area : st.stripes()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(name(vg, area, device)).append('(').append(area.startExtent()).append(')');
    }
    return b.toString();
  }

  private static String ranges(
      VolumeGroup vg, Segment s, Function<PhysicalVolume, String> device, String sep) {
    if (!(s instanceof StripedSegment st)) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (Stripe area : st.stripes()) {
      if (b.length() > 0) {
        b.append(sep);
      }
      b.append(name(vg, area, device))
          .append(':')
          .append(area.startExtent())
          .append('-')
          .append(area.startExtent() + st.areaLength() - 1);
    }
    return b.toString();
  }

  private static String name(VolumeGroup vg, Stripe area, Function<PhysicalVolume, String> device) {
    return vg.pv(area.pv()).map(device).orElse("[unknown]");
  }
}
