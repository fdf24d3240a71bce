package io.clvm.dm;

import java.util.Optional;

/**
 * One device in {@link DeviceMapper#listDevices()}.
 *
 * @param name its name
 * @param device its block device number
 * @param uuid its UUID, when it has one and the kernel reports it (driver 4.45 and later)
 */
public record DeviceEntry(DmName name, DeviceNumber device, Optional<DmUuid> uuid) {}
