package io.clvm.format.report;

import io.clvm.format.alloc.ExtentMap;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VgFlag;
import io.clvm.format.model.VolumeGroup;
import java.util.List;

/**
 * {@code vgs} fields that follow from the metadata alone, computed as lvm2 does. Sizes are bytes.
 * Method names are lvm2's field names in camel case.
 */
public final class VgReport {
  private VgReport() {}

  /** {@code vg_attr}, e.g. {@code wz--n-}. */
  public static String vgAttr(VolumeGroup vg) {
    char[] a = "------".toCharArray();
    a[0] = vg.flags().contains(VgFlag.WRITE) ? 'w' : 'r';
    a[1] = vg.flags().contains(VgFlag.RESIZEABLE) ? 'z' : '-';
    a[2] = vg.flags().contains(VgFlag.EXPORTED) ? 'x' : '-';
    a[3] = vgMissingPvCount(vg) > 0 ? 'p' : '-';
    a[4] = AttrChars.policy(vg.allocationPolicy());
    if (vg.flags().contains(VgFlag.CLUSTERED)) {
      a[5] = 'c';
    } else if (vgShared(vg)) {
      a[5] = 's';
    }
    return new String(a);
  }

  /** A lock type that needs lvmlockd (sanlock, dlm, idm). */
  public static boolean vgShared(VolumeGroup vg) {
    String t = vg.lockType();
    return t != null && (t.equals("sanlock") || t.equals("dlm") || t.equals("idm"));
  }

  /** {@code vg_permissions}. */
  public static String vgPermissions(VolumeGroup vg) {
    return vg.flags().contains(VgFlag.WRITE) ? "writeable" : "read-only";
  }

  /** {@code vg_extendable}. */
  public static String vgExtendable(VolumeGroup vg) {
    return vg.flags().contains(VgFlag.RESIZEABLE) ? "extendable" : "";
  }

  public static long vgExtentSize(VolumeGroup vg) {
    return vg.extentSize() * 512;
  }

  public static long vgExtentCount(VolumeGroup vg) {
    return vg.extentCount();
  }

  public static long vgFreeCount(VolumeGroup vg, ExtentMap map) {
    return map.freeExtents();
  }

  /** {@code vg_size}: all extents. */
  public static long vgSize(VolumeGroup vg) {
    return vg.extentCount() * vgExtentSize(vg);
  }

  /** {@code vg_free}. */
  public static long vgFree(VolumeGroup vg, ExtentMap map) {
    return map.freeExtents() * vgExtentSize(vg);
  }

  /** {@code lv_count}: visible LVs. */
  public static long lvCount(VolumeGroup vg) {
    return vg.lvs().stream().filter(LogicalVolume::visible).count();
  }

  public static long pvCount(VolumeGroup vg) {
    return vg.pvs().size();
  }

  public static long vgMissingPvCount(VolumeGroup vg) {
    return vg.pvs().stream().filter(PhysicalVolume::missing).count();
  }

  /** {@code vg_mda_copies}: {@code unmanaged} or the number. */
  public static String vgMdaCopies(VolumeGroup vg) {
    return vg.metadataCopies() == 0 ? "unmanaged" : Long.toString(vg.metadataCopies());
  }

  /** {@code vg_systemid}, empty when none. */
  public static String vgSystemId(VolumeGroup vg) {
    return vg.systemId() == null ? "" : vg.systemId();
  }

  /** {@code vg_tags}: sorted, comma-separated, as lvm2 reports string lists. */
  public static String vgTags(VolumeGroup vg) {
    return joinSorted(vg.tags());
  }

  static String joinSorted(List<String> l) {
    return String.join(",", l.stream().sorted().toList());
  }
}
