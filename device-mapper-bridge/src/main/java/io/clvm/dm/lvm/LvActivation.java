package io.clvm.dm.lvm;

import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DeviceNodes;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.table.Table;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.VolumeGroup;
import java.io.IOException;
import java.util.Optional;

/**
 * LV activation on this host, as {@code lvchange -ay/-an/--refresh} does it: the device-mapper
 * device of an LV is created with its table live, or reloaded online when the metadata changed its
 * table, or removed; the {@code /dev/<vg>/<lv>} link follows (where udev does not make it).
 *
 * <p>A name prefix lets several clvm nodes share one kernel (the demo, the kernel tests): the dm
 * name, UUID and VG directory all start with it, so their devices never collide.
 */
public final class LvActivation {
  /** What {@link #activate} did. */
  public enum Outcome {
    /** The device did not exist and now does, with the LV's table live. */
    CREATED,
    /** The device existed with another table; the LV's table was loaded and resumed online. */
    RELOADED,
    /** The device already had the LV's table live. */
    UNCHANGED
  }

  private final DeviceMapper dm;
  private final DeviceNodes nodes;
  private final DeviceMapperOperations ops;
  private final String prefix;

  public LvActivation(DeviceMapper dm, DeviceNodes nodes) {
    this(dm, nodes, "");
  }

  public LvActivation(DeviceMapper dm, DeviceNodes nodes, String namePrefix) {
    this.dm = dm;
    this.nodes = nodes;
    this.ops = new DeviceMapperOperations(dm);
    this.prefix = namePrefix;
  }

  /** The device of {@code lv} as this instance names it (with the prefix, if any). */
  public LvDevice device(VolumeGroup vg, LogicalVolume lv, PvDevices pvs) {
    LvDevice d = LvmTables.device(vg, lv, pvs);
    if (prefix.isEmpty()) return d;
    return new LvDevice(
        prefix + d.vg(),
        d.lv(),
        DmName.of(prefix + d.name().value()),
        DmUuid.of(prefix + d.uuid().value()),
        d.table());
  }

  /** The dm name of {@code vg/lv} as this instance names it. */
  public DmName dmName(String vg, String lv) {
    return DmName.of(prefix + LvmTables.dmName(vg, lv).value());
  }

  /**
   * Makes {@code device} active with its table: creates it, or reloads it online (suspend with
   * flush, as lvm2 does for a resize) when its live table differs.
   */
  public Outcome activate(LvDevice device) throws IOException {
    Outcome outcome;
    if (dm.info(device.name()).isEmpty()) {
      ops.createActive(device.name(), Optional.of(device.uuid()), device.table());
      outcome = Outcome.CREATED;
    } else if (ops.hasLiveTable(device.name(), device.table())) {
      outcome = Outcome.UNCHANGED;
    } else {
      ops.reload(device.name(), device.table(), SuspendMode.FLUSH);
      outcome = Outcome.RELOADED;
    }
    nodes.createLvLink(device.vg(), device.lv(), device.name());
    return outcome;
  }

  /** Removes the device of {@code vg/lv} and its link; false when it was not active. */
  public boolean deactivate(String vg, String lv) throws IOException {
    nodes.removeLvLink(prefix + vg, lv);
    return ops.removeIfPresent(dmName(vg, lv));
  }

  /** Renames an active LV's device and link ({@code lvrename} of an active LV). */
  public void rename(String vg, String from, String to) throws IOException {
    dm.rename(dmName(vg, from), dmName(vg, to));
    nodes.removeLvLink(prefix + vg, from);
    nodes.createLvLink(prefix + vg, to, dmName(vg, to));
  }

  /** The live table of {@code vg/lv} on this host, if it is active. */
  public Optional<Table> liveTable(String vg, String lv) throws IOException {
    DmName name = dmName(vg, lv);
    if (dm.info(name).isEmpty()) return Optional.empty();
    return dm.table(name, TableSlot.LIVE);
  }
}
