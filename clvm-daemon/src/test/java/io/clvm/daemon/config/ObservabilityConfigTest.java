package io.clvm.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keys of docs/observability.md: metrics.listen, log.level[.LOGGER], health.*. */
class ObservabilityConfigTest {
  private static Optional<InetSocketAddress> listen(String value) throws ConfigException {
    return DaemonConfig.of(Map.of("node.id", "n1", "metrics.listen", value)).metricsListen();
  }

  @Test
  void metricsListenIsOffByDefaultAndLocalhostForABarePort() throws Exception {
    assertEquals(Optional.empty(), DaemonConfig.of(Map.of("node.id", "n1")).metricsListen());
    assertEquals(Optional.empty(), listen(" "));
    InetSocketAddress bare = listen("9464").orElseThrow();
    assertEquals("127.0.0.1", bare.getHostString());
    assertEquals(9464, bare.getPort());
    assertEquals("127.0.0.1", listen(":9464").orElseThrow().getHostString());
    InetSocketAddress any = listen("0.0.0.0:9100").orElseThrow();
    assertEquals("0.0.0.0", any.getHostString());
    assertEquals(9100, any.getPort());
    assertTrue(listen("[::1]:9464").orElseThrow().getAddress().isLoopbackAddress());
    assertEquals(0, listen("127.0.0.1:0").orElseThrow().getPort());
    ConfigException bad = assertThrows(ConfigException.class, () -> listen("localhost:http"));
    assertTrue(bad.getMessage().contains("metrics.listen"), bad.getMessage());
    assertThrows(ConfigException.class, () -> listen("70000"));
  }

  @Test
  void logLevelsAreValidatedAndNotTakenForTypos() throws Exception {
    DaemonConfig c =
        DaemonConfig.of(
            Map.of(
                "node.id", "n1",
                "log.level", "debug",
                "log.level.io.clvm.cluster", "TRACE",
                "log.levle", "x"));
    assertEquals(Map.of("", "DEBUG", "io.clvm.cluster", "TRACE"), c.logLevels());
    assertEquals(List.of("log.levle"), c.unknownKeys());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> DaemonConfig.of(Map.of("node.id", "n1", "log.level.io.clvm", "LOUD")));
    assertTrue(e.getMessage().contains("log.level.io.clvm"), e.getMessage());
  }

  @Test
  void healthKeys() throws Exception {
    DaemonConfig d = DaemonConfig.of(Map.of("node.id", "n1"));
    assertEquals(Set.of(), d.healthExpectedNodes());
    assertEquals(d.propagationTimeout(), d.healthLag());
    DaemonConfig c =
        DaemonConfig.of(
            Map.of("node.id", "n1", "health.expectedNodes", "n1, n2,n3", "health.lagMs", "2500"));
    assertEquals(Set.of("n1", "n2", "n3"), c.healthExpectedNodes());
    assertEquals(Duration.ofMillis(2500), c.healthLag());
    assertEquals(List.of(), c.unknownKeys());
  }
}
