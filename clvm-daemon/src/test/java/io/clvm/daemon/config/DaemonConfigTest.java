package io.clvm.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
  @Test
  void flatAndSectionSpellingsGiveTheSameKeys() throws Exception {
    Map<String, String> flat =
        ConfigParser.parse("zookeeper.connect = \"a:1,b:2\" # ensemble\nnode.id = n1\n", "t");
    Map<String, String> sections =
        ConfigParser.parse(
            "zookeeper {\n  connect = \"a:1,b:2\"\n}\nnode {\n id = n1 # me\n}\n", "t");
    assertEquals(flat, sections);
    assertEquals("a:1,b:2", flat.get("zookeeper.connect"));
  }

  @Test
  void quotedValuesKeepHashesAndEscapes() throws Exception {
    Map<String, String> m = ConfigParser.parse("a = \"x # y \\\" z\"\n", "t");
    assertEquals("x # y \" z", m.get("a"));
  }

  @Test
  void errorsNameFileAndLine() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigParser.parse("a = 1\nnonsense\n", "f"));
    assertTrue(e.getMessage().startsWith("f:2:"), e.getMessage());
    assertThrows(ConfigException.class, () -> ConfigParser.parse("s {\na = 1\n", "f"));
    assertThrows(ConfigException.class, () -> ConfigParser.parse("}\n", "f"));
    assertThrows(ConfigException.class, () -> ConfigParser.parse("a = \"open\n", "f"));
    assertThrows(ConfigException.class, () -> ConfigParser.parse("a = \"x\" y\n", "f"));
    assertThrows(ConfigException.class, () -> ConfigParser.parse("bad key = 1\n", "f"));
  }

  @Test
  void defaults() throws Exception {
    DaemonConfig c = DaemonConfig.of(Map.of("node.id", "n1"));
    assertEquals("/clvm/clvm", c.clusterRoot());
    assertTrue(c.zookeeperConnect().isEmpty());
    assertEquals(2181, c.embeddedPort());
    assertEquals(Duration.ofSeconds(10), c.sessionTimeout());
    assertEquals(Duration.ofMillis(2500), c.fencingGrace());
    assertEquals(Duration.ofSeconds(5), c.propagationTimeout());
    assertEquals(java.util.Set.of("root"), c.socketAllowedUsers());
    assertEquals("throw", c.testingFailMode());
  }

  @Test
  void invalidValuesAreRefused() throws Exception {
    assertThrows(
        ConfigException.class, () -> DaemonConfig.of(Map.of("zookeeper.sessionTimeoutMs", "soon")));
    assertThrows(
        ConfigException.class,
        () ->
            DaemonConfig.of(
                Map.of("zookeeper.sessionTimeoutMs", "9000", "fencing.graceMs", "3000")));
    DaemonConfig ok =
        DaemonConfig.of(Map.of("zookeeper.sessionTimeoutMs", "9000", "fencing.graceMs", "2999"));
    assertEquals(Duration.ofMillis(2999), ok.fencingGrace());
    assertThrows(ConfigException.class, () -> DaemonConfig.of(Map.of("node.id", "a/b")));
    assertThrows(ConfigException.class, () -> DaemonConfig.of(Map.of("cluster.root", "rel")));
    assertThrows(ConfigException.class, () -> DaemonConfig.of(Map.of("zookeeper.auth", "x")));
    assertThrows(ConfigException.class, () -> DaemonConfig.of(Map.of("testing.failMode", "x")));
  }

  @Test
  void loadsFileAndReportsTypos(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("clvmd.conf");
    Files.writeString(
        f, "cluster {\n name = prod\n}\nzookeeper.sesionTimeoutMs = 1\ndevices.filter = x\n");
    DaemonConfig c = DaemonConfig.load(f);
    assertEquals("/clvm/prod", c.clusterRoot());
    assertEquals(List.of("zookeeper.sesionTimeoutMs"), c.unknownKeys());
    assertEquals("x", c.raw().get("devices.filter"));
    assertThrows(ConfigException.class, () -> DaemonConfig.load(dir.resolve("missing")));
  }
}
