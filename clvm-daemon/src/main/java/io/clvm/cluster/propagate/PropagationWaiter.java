package io.clvm.cluster.propagate;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.Json;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.zookeeper.KeeperException;

/**
 * The committer's wait for propagation: until every node that has one of the changed LVs active has
 * recorded the new seqno in {@code applied/<node>}, or the timeout passes. A node that deactivates
 * (or dies, and its session expires) while we wait is no longer waited for.
 */
public final class PropagationWaiter {
  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final ActivationRegistry activations;

  public PropagationWaiter(
      CuratorFramework client, ClusterLayout layout, ActivationRegistry activations) {
    this.client = client;
    this.layout = layout;
    this.activations = activations;
  }

  public PropagationReport await(
      String vgUuid, long seqno, Collection<String> lvUuids, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Most commits have nothing to wait for (no changed LV is active anywhere, or every node has
    // applied already): answer without building the cache, whose start costs several round trips.
    PropagationReport first = check(vgUuid, seqno, lvUuids);
    if (first.laggards().isEmpty() || timeout.isZero() || timeout.isNegative()) {
      return first;
    }
    Object changed = new Object();
    // A cache on applied/ wakes us on every record; the loop re-reads from ZooKeeper itself.
    try (CuratorCache cache = CuratorCache.build(client, layout.applied(vgUuid))) {
      cache
          .listenable()
          .addListener(
              (type, oldData, data) -> {
                synchronized (changed) {
                  changed.notifyAll();
                }
              });
      cache.start();
      while (true) {
        PropagationReport report = check(vgUuid, seqno, lvUuids);
        long left = deadline - System.nanoTime();
        if (report.laggards().isEmpty() || left <= 0) {
          return report;
        }
        synchronized (changed) {
          // Bounded: activation changes do not wake us, so re-check now and then.
          changed.wait(Math.max(1, Math.min(200, left / 1_000_000)));
        }
      }
    }
  }

  private PropagationReport check(String vgUuid, long seqno, Collection<String> lvUuids)
      throws Exception {
    TreeSet<String> expected = new TreeSet<>();
    for (String lv : lvUuids) {
      activations.activations(vgUuid, lv).stream().map(Activation::node).forEach(expected::add);
    }
    List<String> applied = new ArrayList<>();
    List<String> laggards = new ArrayList<>();
    for (String node : expected) {
      (appliedSeqno(vgUuid, node) >= seqno ? applied : laggards).add(node);
    }
    return new PropagationReport(seqno, applied, laggards);
  }

  private long appliedSeqno(String vgUuid, String node) throws Exception {
    try {
      byte[] data = client.getData().forPath(layout.appliedNode(vgUuid, node));
      return Json.read(data, AppliedRecord.class).seqno();
    } catch (KeeperException.NoNodeException e) {
      return -1;
    }
  }
}
