package io.clvm.cluster.activation;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.Json;
import io.clvm.cluster.Zk;
import io.clvm.cluster.lock.LockHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Activation ownership: which nodes have which LV active, as ephemeral {@code active/<node>} znodes
 * created under the VG lock.
 *
 * <p>The check-then-create is only race-free because every activation holds the VG lock. The znodes
 * are plain ephemerals, deliberately not Curator PersistentNodes: after this node's session expires
 * another node may have taken an exclusive LV over, so an activation must never come back by
 * itself. This class also remembers what this node activated, for fencing.
 */
public final class ActivationRegistry {
  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final ConnectionGuard guard;
  private final String nodeId;
  private final Map<String, Activation> local = new ConcurrentHashMap<>();

  /** Payload of an {@code active/<node>} znode. */
  record Payload(String mode, long since) {}

  public ActivationRegistry(
      CuratorFramework client, ClusterLayout layout, ConnectionGuard guard, String nodeId) {
    this.client = client;
    this.layout = layout;
    this.guard = guard;
    this.nodeId = nodeId;
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * Records this node's activation of {@code vg/lv}. {@code vgLock} must be the VG's lock, held.
   * Refused when: exclusive and any other node has the LV active; shared and another node has it
   * exclusively.
   */
  public Activation activate(LockHandle vgLock, String vgUuid, String lvUuid, ActivationMode mode)
      throws IOException, InterruptedException {
    if (!vgLock.path().equals(layout.vgLock(vgUuid))) {
      throw new IllegalArgumentException("activation needs the lock of VG " + vgUuid);
    }
    for (Activation other : activations(vgUuid, lvUuid)) {
      if (other.node().equals(nodeId)) {
        continue;
      }
      if (mode == ActivationMode.EXCLUSIVE || other.mode() == ActivationMode.EXCLUSIVE) {
        throw new ActivationConflictException(
            "LV "
                + lvUuid
                + " is active on node "
                + other.node()
                + " ("
                + other.mode().code()
                + "): cannot activate "
                + (mode == ActivationMode.EXCLUSIVE ? "exclusively" : "shared"));
      }
    }
    guard.check(vgLock.token());
    String path = layout.lvActiveNode(vgUuid, lvUuid, nodeId);
    byte[] data = Json.write(new Payload(mode.code(), System.currentTimeMillis()));
    Zk.io(
        () -> {
          try {
            client
                .create()
                .creatingParentContainersIfNeeded()
                .withMode(CreateMode.EPHEMERAL)
                .forPath(path, data);
          } catch (KeeperException.NodeExistsException e) {
            if (dropStale(path)) {
              client
                  .create()
                  .creatingParentContainersIfNeeded()
                  .withMode(CreateMode.EPHEMERAL)
                  .forPath(path, data);
            } else {
              client.setData().forPath(path, data); // mode change by the same node (ex <-> sh)
            }
          }
        });
    Activation a = new Activation(vgUuid, lvUuid, nodeId, mode);
    local.put(key(vgUuid, lvUuid), a);
    return a;
  }

  /** Removes this node's activation of {@code vg/lv}, if any. */
  public void deactivate(String vgUuid, String lvUuid) throws IOException, InterruptedException {
    local.remove(key(vgUuid, lvUuid));
    Zk.io(
        () -> {
          try {
            client.delete().guaranteed().forPath(layout.lvActiveNode(vgUuid, lvUuid, nodeId));
          } catch (KeeperException.NoNodeException e) {
            // not active here
          }
        });
  }

  /** Every node's activation of one LV. */
  public List<Activation> activations(String vgUuid, String lvUuid)
      throws IOException, InterruptedException {
    return Zk.io(() -> readActivations(vgUuid, lvUuid));
  }

  private List<Activation> readActivations(String vgUuid, String lvUuid) throws Exception {
    List<Activation> result = new ArrayList<>();
    String dir = layout.lvActive(vgUuid, lvUuid);
    List<String> nodes;
    try {
      nodes = client.getChildren().forPath(dir);
    } catch (KeeperException.NoNodeException e) {
      return result;
    }
    for (String node : nodes.stream().sorted().toList()) {
      try {
        Payload p = Json.read(client.getData().forPath(ZKPaths.makePath(dir, node)), Payload.class);
        result.add(new Activation(vgUuid, lvUuid, node, ActivationMode.of(p.mode())));
      } catch (KeeperException.NoNodeException e) {
        // deactivated meanwhile
      }
    }
    return result;
  }

  /** Every activation of every LV of one VG. */
  public List<Activation> activations(String vgUuid) throws IOException, InterruptedException {
    List<Activation> result = new ArrayList<>();
    List<String> lvs =
        Zk.io(
            () -> {
              try {
                return client.getChildren().forPath(layout.lvs(vgUuid));
              } catch (KeeperException.NoNodeException e) {
                return List.<String>of();
              }
            });
    for (String lv : lvs.stream().sorted().toList()) {
      result.addAll(activations(vgUuid, lv));
    }
    return result;
  }

  /** What this node believes it has active (fencing works from this list). */
  public List<Activation> local() {
    return List.copyOf(local.values());
  }

  /** Whether this node believes it has an LV of {@code vgUuid} active (no copy of the list). */
  public boolean hasLocal(String vgUuid) {
    for (Activation a : local.values()) {
      if (a.vgUuid().equals(vgUuid)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether this node's activation znode for {@code vg/lv} still exists and belongs to the current
   * session. False after a session expiry, even if this node has since reconnected.
   */
  public boolean stillOwned(String vgUuid, String lvUuid) throws IOException, InterruptedException {
    Stat stat =
        Zk.io(() -> client.checkExists().forPath(layout.lvActiveNode(vgUuid, lvUuid, nodeId)));
    long session = Zk.io(this::session);
    return stat != null && stat.getEphemeralOwner() == session;
  }

  /**
   * Deletes this node's activation znode of {@code vg/lv} if a previous session of this node owns
   * it. Curator gives up a session on its own clock (after the session timeout without a server):
   * the server may keep that session, and its znodes, for a while longer — after a quorum loss a
   * full timeout after the new leader. Such a znode is this node's and dead, but until it vanishes
   * it would stand for an activation this node has fenced and forgotten, and a new activation that
   * only set its data would vanish with it.
   *
   * @return true if one was deleted
   */
  public boolean dropStale(String vgUuid, String lvUuid) throws IOException, InterruptedException {
    return Zk.io(() -> dropStale(layout.lvActiveNode(vgUuid, lvUuid, nodeId)));
  }

  private boolean dropStale(String path) throws Exception {
    Stat stat = client.checkExists().forPath(path);
    if (stat == null || stat.getEphemeralOwner() == session()) {
      return false;
    }
    try {
      client.delete().withVersion(stat.getVersion()).forPath(path);
    } catch (KeeperException.NoNodeException e) {
      // expired meanwhile
    }
    return true;
  }

  /** This client's current ZooKeeper session. */
  private long session() throws Exception {
    return Zk.session(client);
  }

  /** Forgets a local activation whose znode is gone with an expired session. */
  public Optional<Activation> forget(String vgUuid, String lvUuid) {
    return Optional.ofNullable(local.remove(key(vgUuid, lvUuid)));
  }

  private static String key(String vgUuid, String lvUuid) {
    return vgUuid + "/" + lvUuid;
  }
}
