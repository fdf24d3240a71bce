package io.clvm.cluster.status;

import io.clvm.cluster.NodeInfo;
import io.clvm.cluster.lock.LockView;
import java.util.List;

/**
 * The data behind {@code clvm cluster status}: nodes, the global lock, every managed VG with its
 * committed seqno, lock holder and queue, activations and applied seqnos, and what the answering
 * node itself has fenced.
 *
 * <p>{@code session} is the answering clvmd's ZooKeeper session and {@code registrationSession} the
 * owner of its {@code nodes/<id>} znode (0 when absent). They differ for a while after clvmd was
 * killed and restarted: Curator's PersistentNode takes over the znode its previous process left,
 * and that process's session, with its activations, lives on until the server expires it.
 */
public record ClusterStatus(
    String answeredBy,
    long session,
    long registrationSession,
    String connection,
    List<NodeInfo> nodes,
    LockView globalLock,
    List<VgStatus> vgs,
    List<String> fencedHere) {}
