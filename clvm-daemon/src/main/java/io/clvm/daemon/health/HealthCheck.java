package io.clvm.daemon.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.Json;
import io.clvm.cluster.NodeInfo;
import io.clvm.cluster.commit.CommitProtocol;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.status.ClusterStatus;
import io.clvm.cluster.status.VgStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code clvm cluster health}: one node's verdict on the cluster, with exit codes for systemd and
 * monitoring probes (docs/observability.md, "Health"). The most severe state found wins:
 *
 * <ol>
 *   <li>{@link State#FENCED} (exit 2): this node has fenced LVs (error targets: their I/O fails);
 *   <li>{@link State#NOT_CONNECTED} (exit 4): clvmd cannot be reached, or its ZooKeeper connection
 *       is not GOOD (nothing can be changed through this node);
 *   <li>{@link State#DEGRADED} (exit 1): a node expected in the cluster is not registered, or a
 *       registered node has not applied a VG's committed seqno within {@code health.lagMs};
 *   <li>{@link State#HEALTHY} (exit 0).
 * </ol>
 *
 * Exit 3 stays lvm2's "invalid command line" and 5 "the check itself failed".
 */
public final class HealthCheck {
  /** The verdicts, with their exit codes. */
  public enum State {
    HEALTHY(0),
    DEGRADED(1),
    FENCED(2),
    NOT_CONNECTED(4);

    private final int exitCode;

    State(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }

    /** The name in reports: healthy, degraded, fenced, not_connected. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final ClusterNode node;
  private final String clusterName;
  private final Duration lag;
  private final Set<String> expected;

  /**
   * {@code lag}: how long a node may stay behind a committed seqno; {@code expected}: the nodes
   * that must be registered (empty: every node that has applied some VG).
   */
  public HealthCheck(ClusterNode node, String clusterName, Duration lag, Set<String> expected) {
    this.node = node;
    this.clusterName = clusterName;
    this.lag = lag;
    this.expected = Set.copyOf(expected);
  }

  /** Checks now; never throws (a failure to read ZooKeeper is NOT_CONNECTED). */
  public ObjectNode check() {
    List<String> problems = new ArrayList<>();
    List<String> fenced = List.copyOf(node.fencer().fenced());
    State state = State.HEALTHY;
    if (!fenced.isEmpty()) {
      problems.add(
          "this node has "
              + fenced.size()
              + " fenced LV(s) (error targets): "
              + String.join(", ", fenced));
    }
    ConnectionGuard.Health connection = node.guard().health();
    ArrayNode nodes = Json.MAPPER.createArrayNode();
    ArrayNode missing = Json.MAPPER.createArrayNode();
    ArrayNode lagging = Json.MAPPER.createArrayNode();
    if (connection != ConnectionGuard.Health.GOOD) {
      problems.add("ZooKeeper connection is " + connection + " (not trusted for changes)");
      state = State.NOT_CONNECTED;
    } else {
      try {
        ClusterStatus st = node.status().read();
        Set<String> registered = new TreeSet<>();
        for (NodeInfo n : st.nodes()) {
          registered.add(n.node());
          nodes.add(n.node());
        }
        Set<String> known = new TreeSet<>(expected);
        if (expected.isEmpty()) {
          st.vgs().forEach(v -> known.addAll(v.applied().keySet()));
        }
        for (String k : known) {
          if (!registered.contains(k)) {
            missing.add(k);
            problems.add("node " + k + " is not registered (clvmd down or partitioned)");
          }
        }
        long now = System.currentTimeMillis();
        for (VgStatus v : st.vgs()) {
          long behindMs = now - v.committedAt();
          if (v.seqno() < 0 || behindMs <= lag.toMillis()) {
            continue;
          }
          for (String n : registered) {
            long applied = v.applied().getOrDefault(n, -1L);
            if (applied < v.seqno()) {
              String vg = vgName(v.vgUuid());
              ObjectNode o = lagging.addObject();
              o.put("node", n);
              o.put("vg_name", vg);
              o.put("vg_uuid", v.vgUuid());
              o.put("applied_seqno", applied);
              o.put("committed_seqno", v.seqno());
              o.put("committed_ms_ago", behindMs);
              problems.add(
                  "node "
                      + n
                      + " has not applied VG "
                      + vg
                      + " seqno "
                      + v.seqno()
                      + " (at "
                      + (applied < 0 ? "none" : Long.toString(applied))
                      + ", committed "
                      + behindMs
                      + " ms ago)");
            }
          }
        }
        if (!missing.isEmpty() || !lagging.isEmpty()) {
          state = State.DEGRADED;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problems.add("interrupted while reading the cluster's state");
        state = State.NOT_CONNECTED;
      } catch (Exception e) {
        problems.add("cannot read the cluster's state from ZooKeeper: " + e.getMessage());
        state = State.NOT_CONNECTED;
      }
    }
    if (!fenced.isEmpty()) {
      state = State.FENCED;
    }
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode h = root.putObject("health");
    h.put("state", state.label());
    h.put("exit_code", state.exitCode());
    h.put("cluster", clusterName);
    h.put("answered_by", node.nodeId());
    h.put("connection", connection.name());
    h.put("checked_at", Instant.ofEpochMilli(System.currentTimeMillis()).toString());
    h.set("nodes", nodes);
    h.set("missing_nodes", missing);
    h.set("lagging", lagging);
    ArrayNode f = h.putArray("fenced");
    fenced.forEach(f::add);
    ArrayNode p = h.putArray("problems");
    problems.forEach(p::add);
    return root;
  }

  private String vgName(String uuid) {
    try {
      return CommitProtocol.vgName(
          new VgStateStore(node.client(), node.layout()).readMetadata(uuid).text(), uuid);
    } catch (Exception e) {
      return uuid;
    }
  }

  /** The report of a CLI that cannot reach clvmd (or is not in cluster mode). */
  public static ObjectNode notConnected(String cluster, String why) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode h = root.putObject("health");
    h.put("state", State.NOT_CONNECTED.label());
    h.put("exit_code", State.NOT_CONNECTED.exitCode());
    h.put("cluster", cluster);
    h.putNull("answered_by");
    h.put("connection", "NONE");
    h.put("checked_at", Instant.now().toString());
    h.putArray("nodes");
    h.putArray("missing_nodes");
    h.putArray("lagging");
    h.putArray("fenced");
    h.putArray("problems").add(why);
    return root;
  }

  /** The exit code of a report (5 if it has none: not a report). */
  public static int exitCode(JsonNode report) {
    JsonNode code = report == null ? null : report.path("health").get("exit_code");
    return code == null || !code.canConvertToInt() ? 5 : code.asInt();
  }

  /** The report for people: the verdict, then one line per problem. */
  public static String text(JsonNode report) {
    JsonNode h = report.path("health");
    StringBuilder b = new StringBuilder();
    b.append("  Cluster ")
        .append(h.path("cluster").asText("?"))
        .append(": ")
        .append(h.path("state").asText("?").toUpperCase(java.util.Locale.ROOT))
        .append(" (exit ")
        .append(h.path("exit_code").asInt(5))
        .append(")");
    if (!h.path("answered_by").isNull() && h.has("answered_by")) {
      b.append(", answered by ")
          .append(h.path("answered_by").asText())
          .append(", ZooKeeper connection ")
          .append(h.path("connection").asText());
    }
    b.append('\n');
    if (h.path("nodes").size() > 0) {
      List<String> names = new ArrayList<>();
      h.path("nodes").forEach(n -> names.add(n.asText()));
      b.append("  Nodes registered: ").append(String.join(", ", names)).append('\n');
    }
    h.path("problems").forEach(p -> b.append("  ").append(p.asText()).append('\n'));
    return b.toString();
  }
}
