package io.clvm.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Registers this daemon as {@code nodes/<node-id>}. Curator's {@link PersistentNode} recreates the
 * ephemeral node after a session loss, which is right for presence (unlike activations, which must
 * not come back by themselves: see ActivationRegistry).
 */
public final class NodeRegistry implements AutoCloseable {
  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final NodeInfo self;
  private final PersistentNode node;

  public NodeRegistry(CuratorFramework client, ClusterLayout layout, NodeInfo info) {
    this.client = client;
    this.layout = layout;
    this.self = info;
    this.node =
        new PersistentNode(
            client, CreateMode.EPHEMERAL, false, layout.node(info.node()), Json.write(info));
  }

  /** This process's identity as {@code node} knows it. */
  public static NodeInfo self(String nodeId, String version) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    return new NodeInfo(
        nodeId, host, ProcessHandle.current().pid(), version, System.currentTimeMillis());
  }

  /**
   * Creates the node and waits until it exists. Refused (NodeIdInUseException) when the node id is
   * held by another live clvmd: PersistentNode would otherwise take that znode over, as it rightly
   * does for this host's previous, dead process (kill -9, then a restart within the session
   * timeout).
   */
  public void start(Duration timeout) throws IOException, InterruptedException {
    Zk.io(this::refuseLiveHolder);
    node.start();
    if (!node.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new ClusterUnavailableException(
          "could not register " + node.getActualPath() + " within " + timeout);
    }
  }

  private Void refuseLiveHolder() throws Exception {
    String path = layout.node(self.node());
    Stat stat = new Stat();
    NodeInfo holder;
    try {
      holder = Json.read(client.getData().storingStatIn(stat).forPath(path), NodeInfo.class);
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
    long session = Zk.session(client);
    if (stat.getEphemeralOwner() == session) {
      return null;
    }
    String why = HolderCheck.liveHolder(self, holder);
    if (why != null) {
      throw new NodeIdInUseException(
          "node id "
              + self.node()
              + " is in use: "
              + path
              + " is held by "
              + why
              + " (ZooKeeper session 0x"
              + Long.toHexString(stat.getEphemeralOwner())
              + "). Give this host its own node.id in clvm.conf, or stop that clvmd first.");
    }
    return null;
  }

  /** Every registered node, sorted by id. */
  public List<NodeInfo> list() throws IOException, InterruptedException {
    return Zk.io(this::readAll);
  }

  private List<NodeInfo> readAll() throws Exception {
    List<NodeInfo> result = new ArrayList<>();
    List<String> children;
    try {
      children = client.getChildren().forPath(layout.nodes());
    } catch (KeeperException.NoNodeException e) {
      return result;
    }
    for (String id : children.stream().sorted().toList()) {
      try {
        result.add(Json.read(client.getData().forPath(layout.node(id)), NodeInfo.class));
      } catch (KeeperException.NoNodeException e) {
        // left between listing and reading
      }
    }
    return result;
  }

  @Override
  public void close() throws IOException {
    node.close();
  }
}
