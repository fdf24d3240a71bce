package io.clvm.cluster.status;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.Json;
import io.clvm.cluster.NodeRegistry;
import io.clvm.cluster.Zk;
import io.clvm.cluster.activation.ActivationRegistry;
import io.clvm.cluster.commit.VgState;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.fence.Fencer;
import io.clvm.cluster.lock.ClusterLocks;
import io.clvm.cluster.propagate.AppliedRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/** Reads {@link ClusterStatus} from ZooKeeper; needs no lock (a snapshot, not a transaction). */
public final class StatusReader {
  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final String nodeId;
  private final ConnectionGuard guard;
  private final NodeRegistry registry;
  private final ClusterLocks locks;
  private final VgStateStore store;
  private final ActivationRegistry activations;
  private final Fencer fencer;

  public StatusReader(
      CuratorFramework client,
      ClusterLayout layout,
      String nodeId,
      ConnectionGuard guard,
      NodeRegistry registry,
      ClusterLocks locks,
      ActivationRegistry activations,
      Fencer fencer) {
    this.client = client;
    this.layout = layout;
    this.nodeId = nodeId;
    this.guard = guard;
    this.registry = registry;
    this.locks = locks;
    this.store = new VgStateStore(client, layout);
    this.activations = activations;
    this.fencer = fencer;
  }

  public ClusterStatus read() throws IOException, InterruptedException {
    return Zk.io(this::readAll);
  }

  private ClusterStatus readAll() throws Exception {
    List<VgStatus> vgs = new ArrayList<>();
    for (String vg : store.vgUuids()) {
      Optional<VgStateStore.Versioned> state = store.readState(vg);
      VgState s = state.map(VgStateStore.Versioned::state).orElse(null);
      vgs.add(
          new VgStatus(
              vg,
              s == null ? -1 : s.seqno(),
              s == null ? null : s.committer(),
              s == null ? 0 : s.time(),
              locks.view(layout.vgLock(vg)),
              activations.activations(vg),
              applied(vg)));
    }
    Stat registration = client.checkExists().forPath(layout.node(nodeId));
    return new ClusterStatus(
        nodeId,
        Zk.session(client),
        registration == null ? 0 : registration.getEphemeralOwner(),
        guard.health().name(),
        registry.list(),
        locks.view(layout.globalLock()),
        vgs,
        List.copyOf(fencer.fenced()));
  }

  private Map<String, Long> applied(String vg) throws Exception {
    Map<String, Long> result = new TreeMap<>();
    List<String> nodes;
    try {
      nodes = client.getChildren().forPath(layout.applied(vg));
    } catch (KeeperException.NoNodeException e) {
      return result;
    }
    for (String node : nodes) {
      try {
        byte[] data = client.getData().forPath(layout.appliedNode(vg, node));
        result.put(node, Json.read(data, AppliedRecord.class).seqno());
      } catch (KeeperException.NoNodeException e) {
        // removed meanwhile
      }
    }
    return result;
  }
}
