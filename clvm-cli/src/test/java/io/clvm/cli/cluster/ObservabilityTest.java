package io.clvm.cli.cluster;

import static io.clvm.cli.cluster.OneDaemonFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.cli.cluster.OneDaemonFixture.Run;
import io.clvm.cluster.Json;
import io.clvm.daemon.Daemon;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 end to end on one clvmd with the real engine (CliDaemonBackend, a file PV, the in-memory
 * device-mapper, embedded ZooKeeper): lvm2 commands through the CLI in cluster mode, then the
 * Prometheus endpoint scraped over HTTP, {@code clvm cluster health} with its exit codes, and
 * {@code clvm cluster reload-config}.
 */
class ObservabilityTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private String config(Path pv, String extra) {
    return OneDaemonFixture.config(dir, pv, "o1", "obs")
        .set("zookeeper.auth", "clvm:obs-secret")
        .set("metrics.listen", "127.0.0.1:0")
        .extra(extra)
        .text();
  }

  private static OptionalDouble sample(String body, String name, String... labels) {
    Pattern p =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(body);
    while (m.find()) {
      boolean all = true;
      for (String l : labels) {
        all &= m.group(1).contains(l);
      }
      if (all) {
        return OptionalDouble.of(Double.parseDouble(m.group(2)));
      }
    }
    return OptionalDouble.empty();
  }

  private String scrape(InetSocketAddress a) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + "/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void metricsHealthAndReloadOfARealDaemon() throws Exception {
    Path pv = OneDaemonFixture.pvFile(dir, 64L << 20);
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(conf, config(pv, ""));
    Daemon d = Daemon.start(DaemonConfig.load(conf), new CliDaemonBackend());
    try {
      d.watchConfig(conf);
      for (String[] cmd :
          new String[][] {
            {"pvcreate", pv.toString()},
            {"vgcreate", "--shared", "vgo", pv.toString()},
            {"lvcreate", "-n", "lv1", "-L", "8M", "vgo"},
            {"lvextend", "-L", "+4M", "vgo/lv1"}
          }) {
        Run r = run(conf, cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r);
      }

      InetSocketAddress a = d.metricsAddress().orElseThrow();
      String body = scrape(a);
      assertTrue(
          sample(body, "clvm_commits_total", "vg=\"vgo\"", "node=\"o1\"").orElse(0) >= 3, body);
      assertTrue(sample(body, "clvm_commit_seconds_count", "vg=\"vgo\"").orElse(0) >= 3);
      double capacity =
          sample(body, "clvm_metadata_area_capacity_bytes", "vg=\"vgo\"", "pv=\"" + pv + "\"")
              .orElseThrow(() -> new AssertionError(body));
      double used =
          sample(body, "clvm_metadata_area_used_bytes", "vg=\"vgo\"", "mda=\"mda1\"").orElseThrow();
      assertTrue(used > 0 && used < capacity, used + " of " + capacity);
      assertEquals(1.0, sample(body, "clvm_active_lvs", "mode=\"exclusive\"").orElseThrow());
      assertTrue(sample(body, "clvm_lock_hold_seconds_count", "lock=\"vg\"").orElse(0) >= 2);
      Await.until(
          "the extend reloaded lv1 on this node",
          WAIT,
          () ->
              sample(scrape(a), "clvm_reload_seconds_count", "outcome=\"reloaded\"").orElse(0)
                  >= 1);

      // clvm cluster status --reportformat json: the same cluster, as data
      Run status = run(conf, "cluster", "status", "--reportformat", "json");
      assertEquals(0, status.exit(), status.toString());
      JsonNode cl = Json.MAPPER.readTree(status.out()).path("cluster");
      assertEquals("obs", cl.path("name").asText(), status.out());
      assertEquals("o1", cl.path("answered_by").asText());
      assertEquals("GOOD", cl.path("connection").asText());
      assertTrue(cl.path("session").asText().matches("0x[0-9a-f]+"), status.out());
      assertEquals(
          cl.path("session").asText(), cl.path("registration_session").asText(), status.out());
      JsonNode vg = cl.path("vgs").get(0);
      assertEquals("vgo", vg.path("vg_name").asText());
      assertEquals("vgo/lv1", vg.path("active").get(0).path("lv_name").asText());
      assertEquals("ex", vg.path("active").get(0).path("mode").asText());
      Await.until(
          "o1 applied the last seqno",
          WAIT,
          () -> {
            try {
              JsonNode v =
                  Json.MAPPER
                      .readTree(run(conf, "cluster", "status", "--reportformat", "json").out())
                      .path("cluster")
                      .path("vgs")
                      .get(0);
              return v.path("applied").path("o1").asLong() == v.path("seqno").asLong();
            } catch (java.io.IOException e) {
              throw new AssertionError(e);
            }
          });

      Run healthy = run(conf, "cluster", "health");
      assertEquals(0, healthy.exit(), healthy.toString());
      assertTrue(healthy.out().contains("Cluster obs: HEALTHY (exit 0)"), healthy.out());
      Run json = run(conf, "cluster", "health", "--reportformat", "json");
      assertEquals(0, json.exit(), json.toString());
      JsonNode report = Json.MAPPER.readTree(json.out());
      assertEquals("healthy", report.path("health").path("state").asText());
      assertEquals("o1", report.path("health").path("answered_by").asText());
      assertEquals(3, run(conf, "cluster", "health", "--reportformat", "yaml").exit());

      Files.writeString(conf, config(pv, "log.level.io.clvm.cluster = \"DEBUG\"\n"));
      Run reload = run(conf, "cluster", "reload-config");
      assertEquals(0, reload.exit(), reload.toString());
      assertEquals(
          ch.qos.logback.classic.Level.DEBUG,
          ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.clvm.cluster"))
              .getLevel());
    } finally {
      d.close();
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.clvm.cluster"))
          .setLevel(null);
    }

    // No daemon: not connected, exit 4 (not lvm2's 5), in both formats.
    Run down = run(conf, "cluster", "health");
    assertEquals(4, down.exit(), down.toString());
    assertTrue(down.out().contains("NOT_CONNECTED (exit 4)"), down.out());
    assertTrue(down.out().contains("clvmd cannot be reached"), down.out());
    Run downJson = run(conf, "cluster", "health", "--reportformat", "json");
    assertEquals(4, downJson.exit());
    assertEquals(
        "not_connected",
        Json.MAPPER.readTree(downJson.out()).path("health").path("state").asText());
    Run reloadDown = run(conf, "cluster", "reload-config");
    assertEquals(5, reloadDown.exit());
    assertTrue(reloadDown.err().contains("cannot be reached"), reloadDown.err());

    // A host in local mode is not part of a cluster.
    Files.writeString(conf, config(pv, "").replace("\"cluster\"", "\"local\""));
    Run local = run(conf, "cluster", "health");
    assertEquals(4, local.exit(), local.toString());
    assertTrue(local.out().contains("local mode"), local.out());
  }
}
