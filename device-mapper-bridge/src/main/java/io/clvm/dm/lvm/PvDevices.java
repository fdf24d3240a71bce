package io.clvm.dm.lvm;

import io.clvm.dm.DeviceNumber;
import io.clvm.format.model.LvmUuid;
import java.util.Map;
import java.util.Optional;

/** Where each PV of a VG is on this host: its block device's {@code major:minor}. */
@FunctionalInterface
public interface PvDevices {
  /** The device holding the PV with this UUID, or empty when it is missing on this host. */
  Optional<DeviceNumber> deviceOf(LvmUuid pv);

  /** A fixed map, e.g. from a device scan. */
  static PvDevices of(Map<LvmUuid, DeviceNumber> map) {
    Map<LvmUuid, DeviceNumber> copy = Map.copyOf(map);
    return pv -> Optional.ofNullable(copy.get(pv));
  }
}
