package io.clvm.cluster.commit;

/**
 * Where one metadata area holds a committed text: the PV, the offset of the text inside the area's
 * circular buffer, its size and lvm2's CRC of it. Recorded in {@code state} so that a reader can
 * verify the disks against ZooKeeper without parsing.
 */
public record MdaState(String pvUuid, long mdaStart, long offset, long size, long crc) {}
