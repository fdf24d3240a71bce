package io.clvm.engine;

import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.dm.lvm.LvDevice;
import io.clvm.dm.lvm.LvmTables;
import io.clvm.dm.lvm.PvDevices;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VolumeGroup;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Activation in local mode: LV tables loaded into this host's device-mapper through the bridge. The
 * kernel is opened only when a command activates something, and a kernel without device-mapper is
 * reported plainly before any metadata is changed.
 */
public final class Activator {
  /** Opens the device-mapper; tests give an in-memory one. */
  public interface Opener {
    DeviceMapper open() throws IOException;
  }

  static final Opener KERNEL = KernelDeviceMapper::open;

  private final Opener opener;
  private final boolean disabled;
  private DeviceMapper dm;
  // integ: cluster mode: activation goes through clvmd's coordinator, in the mode asked for.
  private final Coordinator coordinator;
  private String mode;

  Activator(Opener opener) {
    this(opener, null, false);
  }

  Activator(Coordinator coordinator) {
    this(KERNEL, coordinator, false);
  }

  private Activator(Opener opener, Coordinator coordinator, boolean disabled) {
    this.opener = opener;
    this.coordinator = coordinator;
    this.disabled = disabled;
  }

  /**
   * lvm2's {@code global/activation = 0}: activating and deactivating succeed without doing
   * anything, as lvm2's do ("0 logical volume(s) … now active"), and nothing is ever opened.
   */
  static Activator disabled() {
    return new Activator(KERNEL, null, true);
  }

  /** Whether activation is switched off ({@code global.activation = 0}). */
  boolean isDisabled() {
    return disabled;
  }

  /** The activation mode asked for ({@code -a ey|sy|y...}), used in cluster mode. */
  Activator mode(String m) {
    this.mode = m;
    return this;
  }

  /**
   * Checks that activation is possible, before the metadata is touched.
   *
   * @param what the LV, for the caller's messages
   * @throws NoDeviceMapperException with lvm2's lines when the kernel has no device-mapper
   */
  DeviceMapper require(String what) throws EngineException {
    if (coordinator != null || disabled) {
      return null; // clvmd has its own device-mapper (or the in-memory one), checked at start
    }
    if (dm == null) {
      try {
        dm = opener.open();
      } catch (IOException | RuntimeException | LinkageError e) {
        // lvm2's words; nothing was written yet (callers check before the metadata changes).
        throw new NoDeviceMapperException(e);
      }
    }
    return dm;
  }

  /** The block device of every PV of {@code st}, for the tables. */
  static PvDevices pvDevices(VgState st) throws EngineException {
    Map<LvmUuid, DeviceNumber> map = new HashMap<>();
    for (PhysicalVolume pv : st.vg().pvs()) {
      String dev = st.deviceName(pv);
      long[] mm = Devices.majorMinor(dev);
      if (mm != null) {
        map.put(pv.id(), new DeviceNumber((int) mm[0], (int) mm[1]));
      }
    }
    return PvDevices.of(map);
  }

  /** Creates (or reloads, when it exists) the device of {@code lv}. */
  void activate(VolumeGroup vg, LogicalVolume lv, PvDevices pvs) throws EngineException {
    if (coordinator != null) {
      coordinator.activate(vg, lv, mode);
      return;
    }
    if (disabled) {
      return;
    }
    DeviceMapper d = require(vg.name() + "/" + lv.name());
    LvDevice dev = LvmTables.device(vg, lv, pvs);
    DeviceMapperOperations ops = new DeviceMapperOperations(d);
    try {
      if (d.info(dev.name()).isPresent()) {
        ops.reload(dev.name(), dev.table(), DeviceMapper.SuspendMode.FLUSH);
      } else {
        ops.createActive(dev.name(), java.util.Optional.of(dev.uuid()), dev.table());
      }
    } catch (IOException | RuntimeException e) {
      throw new EngineException(
          "Failed to activate " + vg.name() + "/" + lv.name() + ": " + e.getMessage(), e);
    }
  }

  /** Removes the device of {@code lv}, if present. */
  void deactivate(VolumeGroup vg, LogicalVolume lv) throws EngineException {
    if (coordinator != null) {
      coordinator.deactivate(vg, lv);
      return;
    }
    if (disabled) {
      return;
    }
    DeviceMapper d = require(vg.name() + "/" + lv.name());
    try {
      new DeviceMapperOperations(d).removeIfPresent(LvmTables.dmName(vg.name(), lv.name()));
    } catch (IOException | RuntimeException e) {
      throw new EngineException(
          "Failed to deactivate " + vg.name() + "/" + lv.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * This host's device-mapper state for a report: {@link KernelState#disabled()} when {@code
   * activation} is off, {@link KernelState#noDeviceMapper()} when the kernel has none.
   */
  KernelState kernelState(boolean activation) {
    if (!activation) {
      return KernelState.disabled();
    }
    if (coordinator != null) {
      return KernelState.of(coordinator);
    }
    if (dm != null) {
      return KernelState.of(dm);
    }
    if (opener == KERNEL && !kernelHasDeviceMapper()) {
      return KernelState.noDeviceMapper(); // without loading the ioctl bridge (JNA) at all
    }
    return KernelState.lazy(
        () -> {
          dm = opener.open();
          return dm;
        });
  }

  /**
   * False when {@code /proc/misc} shows that this kernel has no device-mapper (no {@code
   * device-mapper} line: the module is not loaded and not built in); true otherwise, also when it
   * cannot be read (then opening {@code /dev/mapper/control} decides).
   */
  static boolean kernelHasDeviceMapper() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/misc"))) {
        if (line.strip().endsWith(" device-mapper")) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** True when {@code lv} has a device here; false when unknown (no device-mapper). */
  boolean isActive(VolumeGroup vg, LogicalVolume lv) {
    if (coordinator != null) {
      return coordinator.isActive(vg, lv);
    }
    if (disabled) {
      return false;
    }
    try {
      DeviceMapper d = dm != null ? dm : opener.open();
      dm = d;
      return d.info(LvmTables.dmName(vg.name(), lv.name())).isPresent();
    } catch (IOException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
