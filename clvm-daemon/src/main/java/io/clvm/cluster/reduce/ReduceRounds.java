package io.clvm.cluster.reduce;

import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.Zk;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationRegistry;
import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.lock.LockHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts reduce rounds on this node (the committer's side of "reduce = reload everywhere first,
 * then commit"). The nodes' side is in {@link io.clvm.cluster.propagate.Propagator}.
 */
public final class ReduceRounds {
  private static final Logger LOG = LoggerFactory.getLogger(ReduceRounds.class);

  private final CuratorFramework client;
  private final ReduceIntents intents;
  private final ActivationRegistry activations;
  private final ConnectionGuard guard;
  private final FailPoint failPoint;
  private final String nodeId;
  private final Duration timeout;

  public ReduceRounds(
      CuratorFramework client,
      ReduceIntents intents,
      ActivationRegistry activations,
      ConnectionGuard guard,
      FailPoint failPoint,
      String nodeId,
      Duration timeout) {
    this.client = client;
    this.intents = intents;
    this.activations = activations;
    this.guard = guard;
    this.failPoint = failPoint;
    this.nodeId = nodeId;
    this.timeout = timeout;
  }

  /**
   * The other nodes that have one of {@code lvUuids} active: they must load the smaller tables
   * before the commit. (This node reloads its own table itself, as in local mode.)
   */
  public List<String> targets(String vgUuid, Collection<String> lvUuids)
      throws IOException, InterruptedException {
    TreeSet<String> nodes = new TreeSet<>();
    for (String lv : lvUuids) {
      for (Activation a : activations.activations(vgUuid, lv)) {
        if (!a.node().equals(nodeId)) {
          nodes.add(a.node());
        }
      }
    }
    return List.copyOf(nodes);
  }

  /**
   * Publishes the intent that the nodes having one of {@code lvUuids} active load them as {@code
   * text} (the VG the commit will write, at {@code seqno}). {@code vgLock} must be the VG's lock,
   * held for the whole round and the commit: no activation can change meanwhile.
   */
  public ReduceRound begin(
      LockHandle vgLock, String vgUuid, long seqno, String text, Collection<String> lvUuids)
      throws IOException, InterruptedException {
    List<String> targets = targets(vgUuid, lvUuids);
    ReduceIntent intent =
        new ReduceIntent(
            nodeId + "-" + UUID.randomUUID(), nodeId, seqno, List.copyOf(lvUuids), targets, text);
    guard.check(vgLock.token());
    try {
      Zk.io(() -> intents.publish(vgUuid, intent));
    } catch (IOException e) {
      if (e.getCause() instanceof KeeperException.NodeExistsException) {
        // Only possible if a former holder of the VG lock lost it mid-round: its intent ends
        // with its session.
        throw new ClusterStateException(
            "VG " + vgUuid + ": another reduce round is still pending; retry in a moment");
      }
      throw e;
    }
    LOG.info(
        "reduce intent {} vg={} seqno={} lvs={} targets={}",
        intent.id(),
        vgUuid,
        seqno,
        lvUuids,
        targets);
    return new ReduceRound(client, intents, activations, failPoint, vgUuid, intent, timeout);
  }
}
