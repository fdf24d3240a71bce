package io.clvm.daemon.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.ConnectionGuard.Health;
import io.clvm.cluster.FakeTables;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every verdict of {@code clvm cluster health} for real: nodes over a real ZooKeeper server
 * (Curator's TestingServer), one that does not apply changes, one that leaves, and the server
 * stopped past the fencing grace.
 */
class HealthCheckTest {
  private static final Duration SESSION = Duration.ofSeconds(8);
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Duration LAG = Duration.ofMillis(300);

  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  private static JsonNode check(ClusterNode n, Set<String> expected) {
    return new HealthCheck(n, "unit", LAG, expected).check();
  }

  private static String state(JsonNode report) {
    return report.path("health").path("state").asText();
  }

  private ClusterNode node(String id, String connect) throws Exception {
    return nodes.node(id, connect, FailPoint.NONE, SESSION, GRACE);
  }

  @Test
  void healthyThenDegradedByANodeThatDoesNotApplyThenByAMissingNode() throws Exception {
    TestingServer server = nodes.zk.server();
    ClusterNode a = node("a", server.getConnectString());
    ClusterNode b = node("b", server.getConnectString());
    a.protocol().create("vg1", "vgcreate", TestNodes.append("pv"));
    a.protocol().commit("vg1", "lvcreate", TestNodes.append("lv1", "lv1"));
    Await.until(
        "a and b applied seqno 2 and the cluster is healthy",
        ZkTesting.WAIT,
        () -> state(check(a, Set.of())).equals("healthy"));
    JsonNode ok = check(b, Set.of());
    assertEquals(0, HealthCheck.exitCode(ok), ok.toString());
    assertEquals("GOOD", ok.path("health").path("connection").asText());
    assertEquals(2, ok.path("health").path("nodes").size());
    assertTrue(HealthCheck.text(ok).contains("HEALTHY (exit 0)"), HealthCheck.text(ok));

    // c registers but its apply fails every time: it stays behind the committed seqno.
    ClusterNode c =
        nodes.node(
            "c",
            server.getConnectString(),
            FailPoint.NONE,
            SESSION,
            GRACE,
            vg -> {
              throw new java.io.IOException("injected: device-mapper reload failed");
            });
    a.protocol().commit("vg1", "lvextend", TestNodes.append("lv1 bigger", "lv1"));
    Await.until(
        "c lags behind seqno 3",
        ZkTesting.WAIT,
        () -> state(check(a, Set.of())).equals("degraded"));
    JsonNode degraded = check(b, Set.of());
    assertEquals(1, HealthCheck.exitCode(degraded), degraded.toString());
    JsonNode lag = degraded.path("health").path("lagging").get(0);
    assertEquals("c", lag.path("node").asText(), degraded.toString());
    assertEquals(3, lag.path("committed_seqno").asLong());
    assertEquals(-1, lag.path("applied_seqno").asLong());
    assertEquals(1, degraded.path("health").path("lagging").size(), "a and b applied it");
    assertTrue(HealthCheck.text(degraded).contains("node c has not applied VG vg1 seqno 3"));

    // c leaves; b applied VGs before, so when b leaves too it is a missing node.
    c.close();
    Await.until(
        "c deregistered: healthy again",
        ZkTesting.WAIT,
        () -> state(check(a, Set.of())).equals("healthy"));
    // with an explicit membership, c is missing
    JsonNode expected = check(a, Set.of("a", "b", "c"));
    assertEquals("degraded", state(expected), expected.toString());
    assertEquals("c", expected.path("health").path("missing_nodes").get(0).asText());
    b.close();
    Await.until(
        "b deregistered: missing",
        ZkTesting.WAIT,
        () -> state(check(a, Set.of())).equals("degraded"));
    JsonNode missing = check(a, Set.of());
    assertEquals(
        "b", missing.path("health").path("missing_nodes").get(0).asText(), missing.toString());
    assertTrue(HealthCheck.text(missing).contains("node b is not registered"));
  }

  @Test
  void fencedWhileZooKeeperIsDownThenNotConnectedThenHealthy() throws Exception {
    TestingServer server = nodes.zk.server();
    // a records its meters: fencing and connection metrics are checked along the way
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterNode a =
        new ClusterNode(
            nodes.zk.client(server.getConnectString(), SESSION),
            TestNodes.LAYOUT,
            new ClusterNode.Options("a", "test", GRACE, TestNodes.SETTINGS, FailPoint.NONE),
            nodes.disks,
            vg -> {},
            nodes.tables.computeIfAbsent("a", k -> new FakeTables()),
            new ClusterMetrics(registry));
    nodes.zk.track(a);
    a.start(ZkTesting.WAIT);
    ClusterNode b = node("b", server.getConnectString());
    a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");
    nodes.tables.get("a").load("vg1", "lv1");
    assertEquals("healthy", state(check(a, Set.of())));
    assertEquals(1.0, registry.get("clvm.active.lvs").tag("mode", "exclusive").gauge().value());
    assertEquals(1.0, registry.get("clvm.zookeeper.connected").gauge().value());
    assertTrue(registry.get("clvm.lock.hold").tag("lock", "vg").timer().count() >= 1);

    server.stop();
    // b has nothing active: without ZooKeeper it is only not connected.
    Await.until(
        "b sees the connection go", ZkTesting.WAIT, () -> b.guard().health() != Health.GOOD);
    JsonNode notConnected = check(b, Set.of());
    assertEquals("not_connected", state(notConnected), notConnected.toString());
    assertEquals(4, HealthCheck.exitCode(notConnected));
    // a fences its exclusive LV after the grace: fenced wins over not connected.
    Await.until(
        "a fenced lv1 after the grace",
        ZkTesting.WAIT,
        () -> nodes.tables.get("a").table("vg1", "lv1").equals("error"));
    JsonNode fenced = check(a, Set.of());
    assertEquals("fenced", state(fenced), fenced.toString());
    assertEquals(2, HealthCheck.exitCode(fenced));
    assertEquals("vg1/lv1", fenced.path("health").path("fenced").get(0).asText());
    assertTrue(HealthCheck.text(fenced).contains("fenced LV"), HealthCheck.text(fenced));
    assertEquals(1.0, registry.get("clvm.fenced.lvs").gauge().value());
    assertEquals(1.0, registry.get("clvm.fencing.events").tag("event", "fenced").counter().count());
    assertEquals(0.0, registry.get("clvm.zookeeper.connected").gauge().value());
    assertTrue(registry.get("clvm.zookeeper.suspensions").counter().count() >= 1);

    // The server is back within the session timeout: a revalidates and unfences.
    server.restart();
    Await.until(
        "a unfenced and healthy",
        ZkTesting.WAIT,
        () -> state(check(a, Set.of())).equals("healthy"));
    assertEquals("live", nodes.tables.get("a").table("vg1", "lv1"));
    assertEquals(0.0, registry.get("clvm.fenced.lvs").gauge().value());
    assertEquals(
        1.0, registry.get("clvm.fencing.events").tag("event", "unfenced").counter().count());
    assertEquals(0.0, registry.get("clvm.zookeeper.session.expiries").counter().count());
    Await.until("b healthy", ZkTesting.WAIT, () -> state(check(b, Set.of())).equals("healthy"));
  }

  @Test
  void notConnectedReportOfTheCli() {
    JsonNode r = HealthCheck.notConnected("c1", "clvmd cannot be reached");
    assertEquals(4, HealthCheck.exitCode(r));
    assertTrue(HealthCheck.text(r).contains("NOT_CONNECTED (exit 4)"), HealthCheck.text(r));
    assertTrue(HealthCheck.text(r).contains("clvmd cannot be reached"));
    assertEquals(5, HealthCheck.exitCode(null));
  }
}
