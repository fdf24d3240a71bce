package io.clvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.InMemoryDisks;
import io.clvm.cluster.ZkTesting;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint of a real clvmd (embedded ZooKeeper, the real commit protocol over
 * in-memory disks), scraped over HTTP after real commits.
 */
class MetricsEndpointTest {
  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private DaemonConfig config(String node, Map<String, String> extra) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("node.id", node);
    m.put("cluster.name", "unit");
    m.put("zookeeper.embedded.port", "0");
    m.put("zookeeper.embedded.dataDir", dir.resolve("zk-" + node).toString());
    m.put("zookeeper.auth", ZkTesting.CREDENTIALS);
    m.put("zookeeper.sessionTimeoutMs", "6000");
    m.put("socket.path", dir.resolve(node + "/clvmd.sock").toString());
    m.putAll(extra);
    return DaemonConfig.of(m);
  }

  static HttpResponse<String> get(HttpClient http, InetSocketAddress a, String path, String method)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The value of the first sample of {@code name} whose labels contain every one of {@code labels}.
   */
  static OptionalDouble sample(String body, String name, String... labels) {
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
      return get(http, a, "/metrics", "GET").body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void scrapedAfterRealCommits() throws Exception {
    InMemoryDisks disks = new InMemoryDisks();
    try (Daemon d =
        Daemon.start(
            config("n1", Map.of("metrics.listen", "127.0.0.1:0")),
            new DaemonTest.TestBackend(disks))) {
      InetSocketAddress a = d.metricsAddress().orElseThrow();
      assertEquals("127.0.0.1", a.getAddress().getHostAddress());
      Path socket = dir.resolve("n1/clvmd.sock");
      ControlResponse r =
          ControlClient.send(
              socket, ControlRequest.command("vgcreate", List.of("vg1"), "/", Map.of()));
      assertEquals(0, r.exitCode(), r.toString());
      for (int i = 0; i < 3; i++) {
        r =
            ControlClient.send(
                socket, ControlRequest.command("lvcreate", List.of("vg1"), "/", Map.of()));
        assertEquals(0, r.exitCode(), r.toString());
      }

      HttpResponse<String> scrape = get(http, a, "/metrics", "GET");
      assertEquals(200, scrape.statusCode());
      assertTrue(
          scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
          scrape.headers().toString());
      String body = scrape.body();
      // The test's VG text has no VG section: the VG is named by its UUID ("vg1").
      assertEquals(
          4.0,
          sample(body, "clvm_commits_total", "vg=\"vg1\"", "node=\"n1\"", "cluster=\"unit\"")
              .orElseThrow(() -> new AssertionError(body)));
      assertEquals(4.0, sample(body, "clvm_commit_seconds_count", "vg=\"vg1\"").orElseThrow());
      assertTrue(
          sample(body, "clvm_commit_seconds_bucket", "vg=\"vg1\"", "le=\"+Inf\"").isPresent());
      assertTrue(sample(body, "clvm_lock_wait_seconds_count", "lock=\"vg\"").orElseThrow() >= 4);
      assertTrue(sample(body, "clvm_lock_hold_seconds_count", "lock=\"vg\"").orElseThrow() >= 4);
      assertTrue(sample(body, "clvm_lock_wait_seconds_count", "lock=\"global\"").isPresent());
      assertEquals(1.0, sample(body, "clvm_zookeeper_connected", "node=\"n1\"").orElseThrow());
      assertEquals(
          1.0, sample(body, "clvm_zookeeper_connection_state", "state=\"GOOD\"").orElseThrow());
      assertEquals(
          0.0, sample(body, "clvm_zookeeper_connection_state", "state=\"LOST\"").orElseThrow());
      assertEquals(0.0, sample(body, "clvm_zookeeper_session_expiries_total").orElseThrow());
      assertEquals(0.0, sample(body, "clvm_fenced_lvs").orElseThrow());
      assertEquals(0.0, sample(body, "clvm_active_lvs", "mode=\"exclusive\"").orElseThrow());
      assertEquals(
          1.0, sample(body, "clvm_info", "version=\"" + Daemon.VERSION + "\"").orElseThrow());
      // JVM meters
      assertTrue(sample(body, "jvm_memory_used_bytes", "area=\"heap\"").isPresent(), body);
      assertTrue(body.contains("jvm_gc_"), "GC meters");
      assertTrue(sample(body, "jvm_threads_live_threads").orElseThrow() > 0);
      assertTrue(body.contains("jvm_classes_loaded_classes"));
      assertTrue(body.contains("process_cpu_usage") || body.contains("system_cpu_count"));
      assertTrue(sample(body, "process_uptime_seconds").orElseThrow() > 0);

      // This node applies its own commits: the propagation lag is measured once per seqno.
      Await.until(
          "n1 applied a seqno",
          ZkTesting.WAIT,
          () -> sample(scrape(a), "clvm_apply_seconds_count").orElse(0) >= 1);
      String later = get(http, a, "/metrics", "GET").body();
      assertTrue(sample(later, "clvm_propagation_lag_seconds_count").orElseThrow() >= 1, later);

      // Only GET/HEAD on /metrics
      assertEquals(404, get(http, a, "/other", "GET").statusCode());
      assertEquals(405, get(http, a, "/metrics", "POST").statusCode());
      HttpResponse<String> head = get(http, a, "/metrics", "HEAD");
      assertEquals(200, head.statusCode());
      assertTrue(head.body().isEmpty());
      HttpResponse<String> om =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + "/metrics"))
                  .header("Accept", "application/openmetrics-text; version=1.0.0")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics"));
      assertTrue(om.body().strip().endsWith("# EOF"), "OpenMetrics ends with # EOF");
    }
  }

  /**
   * ZooKeeper stopped and restarted under a running daemon: the endpoint and the health request.
   */
  @Test
  void connectionStateAndHealthFollowZooKeeper() throws Exception {
    try (ZkTesting zk = new ZkTesting()) {
      org.apache.curator.test.TestingServer server = zk.server();
      try (Daemon d =
          Daemon.start(
              config(
                  "n3",
                  Map.of(
                      "metrics.listen", "0",
                      "zookeeper.connect", server.getConnectString(),
                      "zookeeper.sessionTimeoutMs", "9000")),
              new DaemonTest.TestBackend(new InMemoryDisks()))) {
        InetSocketAddress a = d.metricsAddress().orElseThrow();
        assertTrue(a.getAddress().isLoopbackAddress(), "a bare port listens on localhost: " + a);
        Path socket = dir.resolve("n3/clvmd.sock");
        ControlResponse healthy =
            ControlClient.send(socket, ControlRequest.of(ControlProtocol.TYPE_HEALTH));
        assertEquals(
            "healthy", healthy.data().path("health").path("state").asText(), healthy.toString());

        server.stop();
        Await.until(
            "the endpoint shows the connection down",
            ZkTesting.WAIT,
            () -> sample(scrape(a), "clvm_zookeeper_connected").orElse(1) == 0);
        String down = scrape(a);
        assertEquals(
            0.0, sample(down, "clvm_zookeeper_connection_state", "state=\"GOOD\"").orElseThrow());
        assertTrue(sample(down, "clvm_zookeeper_suspensions_total").orElseThrow() >= 1, down);
        long t0 = System.nanoTime();
        ControlResponse notConnected =
            ControlClient.send(socket, ControlRequest.of(ControlProtocol.TYPE_HEALTH));
        assertTrue(
            System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(5),
            "answered without waiting for ZooKeeper");
        assertEquals(
            "not_connected",
            notConnected.data().path("health").path("state").asText(),
            notConnected.toString());
        assertEquals(4, notConnected.data().path("health").path("exit_code").asInt());

        server.restart();
        Await.until(
            "connected again",
            ZkTesting.WAIT,
            () -> sample(scrape(a), "clvm_zookeeper_connected").orElse(0) == 1);
        Await.until(
            "healthy again",
            ZkTesting.WAIT,
            () -> {
              try {
                return ControlClient.send(socket, ControlRequest.of(ControlProtocol.TYPE_HEALTH))
                    .data()
                    .path("health")
                    .path("state")
                    .asText()
                    .equals("healthy");
              } catch (java.io.IOException e) {
                return false;
              }
            });
      }
    }
  }

  @Test
  void offUnlessConfigured() throws Exception {
    try (Daemon d =
        Daemon.start(config("n2", Map.of()), new DaemonTest.TestBackend(new InMemoryDisks()))) {
      assertFalse(d.metricsAddress().isPresent());
      // the cluster's meters are no-ops then, and commits still work
      ControlResponse r =
          ControlClient.send(
              dir.resolve("n2/clvmd.sock"),
              ControlRequest.command("vgcreate", List.of("vg2"), "/", Map.of()));
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(
          ((io.micrometer.core.instrument.composite.CompositeMeterRegistry)
                  d.cluster().metrics().registry())
              .getRegistries()
              .isEmpty(),
          "no registry behind the meters");
    }
  }
}
