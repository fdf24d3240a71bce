package io.clvm.cluster.reduce;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The ZooKeeper side of reduce rounds: {@code vgs/<vg>/intent} (ephemeral, gzipped JSON, because it
 * carries a whole VG text like the copy of record) and {@code vgs/<vg>/intent-acks/<node>}.
 *
 * <p>The intent is ephemeral on purpose: if the node running the reduce dies between the reloads
 * and the commit, its session ends, the intent vanishes, and every node that loaded the smaller
 * table reloads the committed one (the repair needs no other actor).
 */
public final class ReduceIntents {
  private final CuratorFramework client;
  private final ClusterLayout layout;

  public ReduceIntents(CuratorFramework client, ClusterLayout layout) {
    this.client = client;
    this.layout = layout;
  }

  public String path(String vgUuid) {
    return layout.vgIntent(vgUuid);
  }

  public String acksPath(String vgUuid) {
    return layout.intentAcks(vgUuid);
  }

  /** Creates the intent; fails with NodeExistsException if another round is in progress. */
  public void publish(String vgUuid, ReduceIntent intent) throws Exception {
    client.create().withMode(CreateMode.EPHEMERAL).forPath(path(vgUuid), encode(intent));
  }

  /** The pending intent of {@code vgUuid}, if any. */
  public Optional<ReduceIntent> read(String vgUuid) throws Exception {
    try {
      return Optional.of(decode(client.getData().forPath(path(vgUuid))));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /** Deletes the intent if it is still round {@code id}'s (a version-checked delete). */
  public void withdraw(String vgUuid, String id) throws Exception {
    Stat stat = new Stat();
    try {
      ReduceIntent current = decode(client.getData().storingStatIn(stat).forPath(path(vgUuid)));
      if (current.id().equals(id)) {
        client.delete().guaranteed().withVersion(stat.getVersion()).forPath(path(vgUuid));
      }
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      // already gone (the session ended), or replaced: not ours to delete
    }
  }

  /** Records {@code node}'s answer. */
  public void ack(String vgUuid, String node, IntentAck ack) throws Exception {
    byte[] data = Json.write(ack);
    String path = layout.intentAck(vgUuid, node);
    try {
      client.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      client.create().creatingParentsIfNeeded().forPath(path, data);
    }
  }

  /** Every node's latest answer, by node. */
  public Map<String, IntentAck> acks(String vgUuid) throws Exception {
    Map<String, IntentAck> result = new TreeMap<>();
    List<String> nodes;
    try {
      nodes = client.getChildren().forPath(layout.intentAcks(vgUuid));
    } catch (KeeperException.NoNodeException e) {
      return result;
    }
    for (String node : nodes) {
      try {
        byte[] data = client.getData().forPath(layout.intentAck(vgUuid, node));
        result.put(node, Json.read(data, IntentAck.class));
      } catch (KeeperException.NoNodeException e) {
        // removed meanwhile
      }
    }
    return result;
  }

  static byte[] encode(ReduceIntent intent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(Json.write(intent));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An intent from its znode's bytes. */
  public static ReduceIntent decode(byte[] data) throws IOException {
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return Json.read(gz.readAllBytes(), ReduceIntent.class);
    }
  }
}
