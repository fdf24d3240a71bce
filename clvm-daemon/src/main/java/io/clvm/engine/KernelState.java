package io.clvm.engine;

import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.lvm.LvmTables;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.VolumeGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What this host's device-mapper says about LVs, for the reports' kernel fields ({@code lv_attr}'s
 * 5th and 6th characters, {@code lv_active}, {@code lv_device_open}, {@code lv_kernel_major}...).
 * One instance per report: the kernel's device list is read once ({@code DM_LIST_DEVICES}), then
 * {@code DM_DEV_STATUS} is asked only for the LVs that have a device, found as lvm2 finds them: by
 * the dm UUID ({@code LVM-<vg uuid><lv uuid>}), else by the dm name ({@code vg-lv}, dashes
 * doubled).
 *
 * <p>Three cases, as lvm2 has them: activation switched off in the configuration ({@code
 * global.activation = 0}: lvm2's "unknown" values, {@code XX} in {@code lv_attr}); no usable
 * device-mapper in this kernel (lvm2's values when its {@code dm_driver_version} fails: {@code XX}
 * too, but {@code lv_active} empty); a device-mapper (real kernel, or the in-memory one in tests).
 */
public final class KernelState {
  /** Where the state comes from. */
  public enum Source {
    /** {@code global.activation = 0}: device-mapper is not asked. */
    DISABLED,
    /** The kernel has no usable device-mapper. */
    NO_DM,
    /** A device-mapper answered. */
    DM
  }

  /**
   * One LV's device as the kernel reports it.
   *
   * @param info the device's state ({@code dmsetup info})
   * @param readAheadSectors the block device's read-ahead in sectors, -1 when unknown
   */
  public record LvDevice(DeviceInfo info, long readAheadSectors) {}

  private Source source;
  private DeviceMapper dm;
  private final Coordinator coordinator;
  private final Activator.Opener opener;
  private Map<String, DmName> byUuid;
  private Map<String, DmName> byName;
  private final Map<String, Optional<LvDevice>> cache = new HashMap<>();

  private KernelState(
      Source source, DeviceMapper dm, Coordinator coordinator, Activator.Opener opener) {
    this.source = source;
    this.dm = dm;
    this.coordinator = coordinator;
    this.opener = opener;
  }

  /** Activation switched off: nothing is known. */
  public static KernelState disabled() {
    return new KernelState(Source.DISABLED, null, null, null);
  }

  /** No device-mapper here. */
  public static KernelState noDeviceMapper() {
    return new KernelState(Source.NO_DM, null, null, null);
  }

  /** The state of {@code dm}. */
  public static KernelState of(DeviceMapper dm) {
    return new KernelState(Source.DM, dm, null, null);
  }

  /** Cluster mode inside clvmd: the node's activations as its coordinator knows them. */
  static KernelState of(Coordinator coordinator) {
    return new KernelState(Source.DM, null, coordinator, null);
  }

  /**
   * The device-mapper {@code opener} opens, opened only when an LV's kernel state is first asked
   * for (a report without such fields never loads the ioctl bridge).
   */
  static KernelState lazy(Activator.Opener opener) {
    return new KernelState(null, null, null, opener);
  }

  public Source source() {
    if (source == null) {
      try {
        dm = opener.open();
        source = Source.DM;
      } catch (IOException | RuntimeException | LinkageError e) {
        source = Source.NO_DM;
      }
    }
    return source;
  }

  /** True when lvm2 could ask device-mapper (so the values are known, not "X"/"unknown"). */
  public boolean known() {
    return source() == Source.DM;
  }

  /**
   * The device of {@code lv}, empty when it has none (inactive) or when nothing is {@link #known}.
   */
  public Optional<LvDevice> device(VolumeGroup vg, LogicalVolume lv) {
    if (!known()) {
      return Optional.empty();
    }
    String key = vg.id().raw() + lv.id().raw();
    Optional<LvDevice> d = cache.get(key);
    if (d == null) {
      d = lookUp(vg, lv);
      cache.put(key, d);
    }
    return d;
  }

  private Optional<LvDevice> lookUp(VolumeGroup vg, LogicalVolume lv) {
    if (coordinator != null) {
      return coordinator.kernelInfo(vg, lv).map(i -> new LvDevice(i, readAhead(i)));
    }
    try {
      if (byName == null) {
        list();
      }
      DmName name = byUuid.get(LvmTables.dmUuid(vg.id(), lv.id()).value());
      if (name == null) {
        name = byName.get(LvmTables.dmName(vg.name(), lv.name()).value());
      }
      if (name == null) {
        return Optional.empty();
      }
      return dm.info(name).map(i -> new LvDevice(i, readAhead(i)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void list() throws IOException {
    byUuid = new HashMap<>();
    byName = new HashMap<>();
    List<DeviceEntry> all = dm.listDevices();
    for (DeviceEntry e : all) {
      byName.put(e.name().value(), e.name());
      e.uuid().map(DmUuid::value).ifPresent(u -> byUuid.put(u, e.name()));
    }
  }

  /**
   * The read-ahead of the device in sectors, where libdevmapper finds it: {@code
   * /sys/dev/block/M:m/bdi/read_ahead_kb}.
   */
  private static long readAhead(DeviceInfo info) {
    if (info.device() == null) {
      return -1;
    }
    Path p =
        Path.of(
            "/sys/dev/block",
            info.device().major() + ":" + info.device().minor(),
            "bdi",
            "read_ahead_kb");
    try {
      return Long.parseLong(Files.readString(p).strip()) * 2;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
