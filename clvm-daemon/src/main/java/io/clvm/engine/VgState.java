package io.clvm.engine;

import io.clvm.format.alloc.ExtentMap;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.PvScan;
import io.clvm.format.store.VgRead;
import java.util.Map;

/**
 * A VG as read from its devices: the model, what the store found, and the scan of every PV that was
 * found (keyed by raw PV UUID), so reports can name devices and measure metadata areas.
 */
public final class VgState {
  private final VgMetadata metadata;
  private final VgRead read;
  private final Map<String, PvScan> pvScans;
  private ExtentMap extents;

  VgState(VgMetadata metadata, VgRead read, Map<String, PvScan> pvScans) {
    this.metadata = metadata;
    this.read = read;
    this.pvScans = Map.copyOf(pvScans);
  }

  /**
   * The same devices carrying another version of the VG: clvmd's pending version of a group commit
   * (see {@link Coordinator#pendingVersion}), which has the PVs of the version read.
   */
  public VgState withVg(VolumeGroup vg) {
    return new VgState(new VgMetadata(vg, metadata.header()), read, pvScans);
  }

  public VolumeGroup vg() {
    return metadata.vg();
  }

  public VgMetadata metadata() {
    return metadata;
  }

  public VgRead read() {
    return read;
  }

  /** The scan of the device carrying {@code pv}, or null when the PV is missing. */
  public PvScan scan(PhysicalVolume pv) {
    return pvScans.get(pv.id().raw());
  }

  /** The device a PV is on, as lvm2 names it: the scanned path, else {@code [unknown]}. */
  public String deviceName(PhysicalVolume pv) {
    PvScan s = scan(pv);
    return s == null ? "[unknown]" : s.device().name();
  }

  /** Used and free extents, computed once. */
  public ExtentMap extents() {
    if (extents == null) {
      extents = ExtentMap.of(vg());
    }
    return extents;
  }

  /** The size of the VG's committed text as stored (NUL included). */
  public long textSize() {
    return read.current().size();
  }

  /**
   * Free space lvm2 reports for one metadata area: room for the next copy beside the current one,
   * {@code floor((size - 1536 - 2 * text) / 1024)} sectors (fitted to lvm2 2.03.16 over a sweep of
   * text sizes; 0 for an ignored area).
   */
  public static long mdaFree(AreaScan area, long textSize) {
    if (!area.inUse()) {
      return 0;
    }
    long free = (area.locn().size() - 1536 - 2 * textSize) / 1024;
    return Math.max(0, free) * 512;
  }
}
