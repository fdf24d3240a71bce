package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.cluster.Json;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 across processes: three clvmd JVMs over a real ZooKeeper. {@code clvm cluster health} is
 * healthy once every node applied the commits, a log level set in one node's clvm.conf takes effect
 * in that daemon without a restart, and a daemon that stops makes the others report the cluster
 * degraded (exit 1) naming it.
 */
class ClusterHealthMultiProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static JsonNode health(ThreeNodeCluster c, int node) {
    CliResult r = c.run(node, "cluster", "health", "--reportformat", "json");
    try {
      JsonNode h = Json.MAPPER.readTree(r.out()).path("health");
      assertEquals(h.path("exit_code").asInt(), r.exit(), r.toString());
      return h;
    } catch (java.io.IOException e) {
      throw new AssertionError(r.toString(), e);
    }
  }

  @Test
  void healthyThenLogLevelReloadedThenDegradedWhenANodeStops() throws Exception {
    try (ThreeNodeCluster c = new ThreeNodeCluster(64L << 20)) {
      c.ok(1, "pvcreate", c.pvs.get(0).toString());
      c.ok(1, "vgcreate", "--shared", "vgh", c.pvs.get(0).toString());
      c.ok(1, "lvcreate", "-an", "-n", "a", "-L", "8M", "vgh");
      Await.until(
          "all three nodes applied the commits: healthy on node2",
          WAIT,
          () -> health(c, 2).path("state").asText().equals("healthy"));
      JsonNode ok = health(c, 1);
      assertEquals(3, ok.path("nodes").size(), ok.toString());
      CliResult text = c.run(3, "cluster", "health");
      assertEquals(0, text.exit(), text.toString());
      assertTrue(text.out().contains("Cluster it: HEALTHY (exit 0)"), text.out());

      // node2: DEBUG for the commit protocol, by editing its clvm.conf and reloading it
      Files.writeString(
          c.config(2), "log.level.io.clvm.cluster.commit = \"DEBUG\"\n", StandardOpenOption.APPEND);
      CliResult reload = c.run(2, "cluster", "reload-config");
      assertEquals(0, reload.exit(), reload.toString());
      c.ok(2, "lvcreate", "-an", "-n", "b", "-L", "8M", "vgh");
      Await.until(
          "node2 logs the commit steps at DEBUG",
          WAIT,
          () -> logContains(c.log(2), "DEBUG", "DISK_COMMIT"));
      assertTrue(
          logContains(c.log(2), "log level io.clvm.cluster.commit: INFO -> DEBUG"),
          io.clvm.testing.cluster.LogTail.of(c.log(2), 30));

      // node3's clvmd stops (SIGTERM, as systemctl stop): it is missing for the others
      // found by the pid clvm cluster status reports for it
      JsonNode status =
          Json.MAPPER.readTree(c.ok(1, "cluster", "status", "--reportformat", "json").out());
      long pid = -1;
      for (JsonNode n : status.path("cluster").path("nodes")) {
        if (n.path("node").asText().equals("node3")) {
          pid = n.path("pid").asLong();
        }
      }
      ProcessHandle node3 =
          ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("node3: " + status));
      node3.destroy();
      Await.until("node3's clvmd stopped", WAIT, () -> !node3.isAlive());
      Await.until(
          "node1 reports the cluster degraded",
          WAIT,
          () -> health(c, 1).path("state").asText().equals("degraded"));
      JsonNode degraded = health(c, 1);
      assertEquals("node3", degraded.path("missing_nodes").get(0).asText(), degraded.toString());
      CliResult d = c.run(2, "cluster", "health");
      assertEquals(1, d.exit(), d.toString());
      assertTrue(d.out().contains("node node3 is not registered"), d.out());
      CliResult gone = c.run(3, "cluster", "health");
      assertEquals(4, gone.exit(), gone.toString());
    }
  }

  private static boolean logContains(Path log, String... all) {
    try {
      return Files.readAllLines(log).stream()
          .anyMatch(l -> Arrays.stream(all).allMatch(l::contains));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
