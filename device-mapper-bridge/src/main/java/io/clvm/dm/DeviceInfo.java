package io.clvm.dm;

import java.util.Optional;

/**
 * A device's state as the kernel reports it after every device command ({@code dmsetup info}).
 *
 * @param name the device's name
 * @param uuid its UUID, if it has one
 * @param device its block device number ({@code /dev/dm-<minor>})
 * @param openCount how many times the block device is open
 * @param suspended whether I/O is held back
 * @param liveTable whether a live table is present
 * @param inactiveTable whether an inactive table waits for a resume
 * @param readOnly whether the device is read-only
 * @param eventNumber the device's event counter
 * @param targetCount the number of targets of the live table
 */
public record DeviceInfo(
    DmName name,
    Optional<DmUuid> uuid,
    DeviceNumber device,
    int openCount,
    boolean suspended,
    boolean liveTable,
    boolean inactiveTable,
    boolean readOnly,
    long eventNumber,
    int targetCount) {}
