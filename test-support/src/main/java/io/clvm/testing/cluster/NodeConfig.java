package io.clvm.testing.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clvm.conf of one test node in cluster mode, written as flat {@code section.key = value}
 * lines. Every fixture states its own values (ZooKeeper, timeouts, devices, device-mapper); this
 * class only spells them, so that a key is written the same way everywhere.
 */
public final class NodeConfig {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> extra = new ArrayList<>();

  private NodeConfig() {}

  /** Node {@code nodeId} of cluster {@code cluster}, commands forwarded to its clvmd. */
  public static NodeConfig clusterNode(String cluster, String nodeId) {
    return new NodeConfig()
        .set("cluster.name", cluster)
        .set("node.id", nodeId)
        .set("global.locking_mode", "cluster");
  }

  /**
   * Node {@code node<n>} of cluster {@code cluster} with every file of its own in {@code dir}: the
   * socket {@link #socketIn}, open to root and whoever runs the test, and the lock files, backups
   * and archives suffixed with {@code n}.
   */
  public static NodeConfig nodeIn(Path dir, String cluster, int node) {
    return clusterNode(cluster, "node" + node)
        .socket(socketIn(dir, node), rootAndMe())
        .localFiles(dir, Integer.toString(node));
  }

  /** The control socket of node {@code n} whose files are in {@code dir}. */
  public static Path socketIn(Path dir, int node) {
    return dir.resolve("node" + node + ".sock");
  }

  /** The users allowed on a test daemon's socket: root and whoever runs the test. */
  public static String rootAndMe() {
    return "root," + System.getProperty("user.name");
  }

  /** A string value (quoted). */
  public NodeConfig set(String key, String value) {
    values.put(key, "\"" + value + "\"");
    return this;
  }

  /** A number. */
  public NodeConfig set(String key, long value) {
    values.put(key, Long.toString(value));
    return this;
  }

  public NodeConfig zookeeper(String connect, int sessionTimeoutMs) {
    return set("zookeeper.connect", connect).set("zookeeper.sessionTimeoutMs", sessionTimeoutMs);
  }

  /** clvmd's ZooKeeper server inside the daemon, on a free port, its data in {@code dataDir}. */
  public NodeConfig embeddedZookeeper(Path dataDir) {
    return set("zookeeper.embedded.port", 0).set("zookeeper.embedded.dataDir", dataDir.toString());
  }

  public NodeConfig socket(Path path, String allowedUsers) {
    return set("socket.path", path.toString()).set("socket.allowedUsers", allowedUsers);
  }

  /** The host-local lock files, backups and archives under {@code dir}, suffixed {@code suffix}. */
  public NodeConfig localFiles(Path dir, String suffix) {
    return set("global.lock_dir", dir.resolve("lock" + suffix).toString())
        .set("backup.backup_dir", dir.resolve("backup" + suffix).toString())
        .set("backup.archive_dir", dir.resolve("archive" + suffix).toString());
  }

  /** Lock files in {@code lockDir}; no backups, no archives (nothing under /etc/lvm). */
  public NodeConfig noBackups(Path lockDir) {
    return set("global.lock_dir", lockDir.toString())
        .set("backup.backup", 0)
        .set("backup.archive", 0);
  }

  public NodeConfig devices(List<Path> devices) {
    return set("devices.devices", String.join(",", devices.stream().map(Path::toString).toList()));
  }

  /** dm names {@code <prefix><vg>-<lv>}, tables loaded into {@code deviceMapper}. */
  public NodeConfig activation(String prefix, String deviceMapper) {
    return set("activation.name_prefix", prefix).set("activation.device_mapper", deviceMapper);
  }

  /** Lines written verbatim after the others (fail points, a test's own settings). */
  public NodeConfig extra(String... lines) {
    for (String l : lines) {
      if (!l.isEmpty()) {
        extra.add(l);
      }
    }
    return this;
  }

  /** The file's text. */
  public String text() {
    StringBuilder b = new StringBuilder();
    values.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
    extra.forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }

  @Override
  public String toString() {
    return text();
  }
}
