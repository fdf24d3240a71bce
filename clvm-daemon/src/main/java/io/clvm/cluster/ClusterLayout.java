package io.clvm.cluster;

import java.util.Objects;

/**
 * The ZooKeeper paths of one cluster, all under a configurable root (default {@code
 * /clvm/<cluster-name>}). Kept in one place so that the layout in docs/cluster-protocol.md and the
 * code cannot drift apart.
 */
public final class ClusterLayout {
  private final String root;

  public ClusterLayout(String root) {
    if (!root.startsWith("/") || root.endsWith("/")) {
      throw new IllegalArgumentException("cluster root must be absolute, no trailing '/': " + root);
    }
    this.root = root;
  }

  public String root() {
    return root;
  }

  public String nodes() {
    return root + "/nodes";
  }

  /** Ephemeral: host, pid, version, started. */
  public String node(String nodeId) {
    return nodes() + "/" + checkName(nodeId);
  }

  /** Lock for the VG namespace and orphan PVs. */
  public String globalLock() {
    return root + "/locks/global";
  }

  public String vgs() {
    return root + "/vgs";
  }

  public String vg(String vgUuid) {
    return vgs() + "/" + checkName(vgUuid);
  }

  public String vgLock(String vgUuid) {
    return vg(vgUuid) + "/lock";
  }

  public String vgState(String vgUuid) {
    return vg(vgUuid) + "/state";
  }

  public String vgMetadata(String vgUuid) {
    return vg(vgUuid) + "/metadata";
  }

  public String lvs(String vgUuid) {
    return vg(vgUuid) + "/lvs";
  }

  public String lvActive(String vgUuid, String lvUuid) {
    return lvs(vgUuid) + "/" + checkName(lvUuid) + "/active";
  }

  public String lvActiveNode(String vgUuid, String lvUuid, String nodeId) {
    return lvActive(vgUuid, lvUuid) + "/" + checkName(nodeId);
  }

  public String applied(String vgUuid) {
    return vg(vgUuid) + "/applied";
  }

  public String appliedNode(String vgUuid, String nodeId) {
    return applied(vgUuid) + "/" + checkName(nodeId);
  }

  /**
   * Ephemeral, owned by the session of the node running a reduce: the smaller geometry every node
   * with the LV active must load before the commit (docs/cluster-protocol.md, "Reduce").
   */
  public String vgIntent(String vgUuid) {
    return vg(vgUuid) + "/intent";
  }

  /** Each node's answer to the latest reduce intent it handled. */
  public String intentAcks(String vgUuid) {
    return vg(vgUuid) + "/intent-acks";
  }

  public String intentAck(String vgUuid, String nodeId) {
    return intentAcks(vgUuid) + "/" + checkName(nodeId);
  }

  /**
   * The VG uuid if {@code path} is some VG's {@code state} node, else null. Used by the cache
   * listener, which sees every node under {@link #vgs()}.
   */
  public String vgUuidOfState(String path) {
    return vgUuidOf(path, "state");
  }

  /** The VG uuid if {@code path} is some VG's {@code intent} node, else null. */
  public String vgUuidOfIntent(String path) {
    return vgUuidOf(path, "intent");
  }

  private String vgUuidOf(String path, String leaf) {
    String prefix = vgs() + "/";
    String suffix = "/" + leaf;
    if (!path.startsWith(prefix) || !path.endsWith(suffix)) {
      return null;
    }
    String middle = path.substring(prefix.length(), path.length() - suffix.length());
    return middle.isEmpty() || middle.contains("/") ? null : middle;
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name);
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("not a valid ZooKeeper node name: '" + name + "'");
    }
    return name;
  }
}
