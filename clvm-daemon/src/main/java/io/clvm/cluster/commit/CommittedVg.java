package io.clvm.cluster.commit;

/** A VG's metadata text at a seqno (the copy of record in ZooKeeper, or what the disks hold). */
public record CommittedVg(String vgUuid, long seqno, String text) {}
