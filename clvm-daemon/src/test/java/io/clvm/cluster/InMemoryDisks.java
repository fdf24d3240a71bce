package io.clvm.cluster;

import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.MdaState;
import io.clvm.cluster.commit.MetadataDisks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/** Shared "disks" for tests: one committed and one precommitted text per VG, and a write log. */
public final class InMemoryDisks implements MetadataDisks {
  private final Map<String, CommittedVg> committed = new ConcurrentHashMap<>();
  private final Map<String, CommittedVg> precommitted = new ConcurrentHashMap<>();
  private final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public Optional<CommittedVg> readCommitted(String vgUuid) {
    return Optional.ofNullable(committed.get(vgUuid));
  }

  @Override
  public List<MdaState> precommit(String vgUuid, long seqno, String text) {
    writes.add("precommit " + vgUuid + " " + seqno);
    precommitted.put(vgUuid, new CommittedVg(vgUuid, seqno, text));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return List.of(new MdaState("pv-" + vgUuid, 4096, 512 * seqno, bytes.length, crc.getValue()));
  }

  @Override
  public void commit(String vgUuid, long seqno, List<MdaState> slots) {
    CommittedVg pre = precommitted.get(vgUuid);
    if (pre == null || pre.seqno() != seqno) {
      throw new IllegalStateException("commit of seqno " + seqno + " without its precommit");
    }
    writes.add("commit " + vgUuid + " " + seqno);
    committed.put(vgUuid, pre);
  }

  /** Puts a VG on the disks as if lvm2 or local mode had written it. */
  public void seed(String vgUuid, long seqno, String text) {
    committed.put(vgUuid, new CommittedVg(vgUuid, seqno, text));
  }

  public long seqno(String vgUuid) {
    return readCommitted(vgUuid).map(CommittedVg::seqno).orElse(-1L);
  }

  public List<String> writes() {
    return List.copyOf(writes);
  }
}
