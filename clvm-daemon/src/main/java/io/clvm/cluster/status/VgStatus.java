package io.clvm.cluster.status;

import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.lock.LockView;
import java.util.List;
import java.util.Map;

/** One managed VG in {@code clvm cluster status}. */
public record VgStatus(
    String vgUuid,
    long seqno,
    String committer,
    long committedAt,
    LockView lock,
    List<Activation> active,
    Map<String, Long> applied) {}
