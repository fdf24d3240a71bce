package io.clvm.cluster.status;

import io.clvm.cluster.NodeInfo;
import io.clvm.cluster.lock.LockView;
import java.util.List;

/**
 * The data behind {@code clvm cluster status}: nodes, the global lock, every managed VG with its
 * committed seqno, lock holder and queue, activations and applied seqnos, and what the answering
 * node itself has fenced.
 */
public record ClusterStatus(
    String answeredBy,
    String connection,
    List<NodeInfo> nodes,
    LockView globalLock,
    List<VgStatus> vgs,
    List<String> fencedHere) {}
