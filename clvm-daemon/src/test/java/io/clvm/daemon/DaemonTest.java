package io.clvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.FakeTables;
import io.clvm.cluster.InMemoryDisks;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.daemon.config.ConfigException;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.CommandExecutor;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {
  @TempDir Path dir;

  /** A backend whose one command commits to a VG through the daemon's cluster services. */
  static class TestBackend implements DaemonBackend {
    final InMemoryDisks disks;

    TestBackend(InMemoryDisks disks) {
      this.disks = disks;
    }

    @Override
    public MetadataDisks metadataDisks(DaemonConfig config) {
      return disks;
    }

    @Override
    public ApplyCallback applyCallback(DaemonConfig config) {
      return vg -> {};
    }

    @Override
    public LocalTables localTables(DaemonConfig config) {
      return new FakeTables();
    }

    @Override
    public CommandExecutor commandExecutor(DaemonConfig config, ClusterNode cluster) {
      return (request, peer) -> {
        var r =
            request.command().equals("vgcreate")
                ? cluster
                    .protocol()
                    .create(request.argv().get(0), "vgcreate", TestNodes.append("pv"))
                : cluster
                    .protocol()
                    .commit(request.argv().get(0), request.command(), TestNodes.append("lv"));
        return ControlResponse.ok("seqno " + r.seqno() + ", " + r.propagation().summary() + "\n");
      };
    }
  }

  private DaemonConfig config(String node, Map<String, String> extra) throws ConfigException {
    Map<String, String> m = new HashMap<>();
    m.put("node.id", node);
    m.put("cluster.name", "unit");
    m.put("zookeeper.embedded.port", "0");
    m.put("zookeeper.embedded.dataDir", dir.resolve("zk-" + node).toString());
    m.put("zookeeper.auth", ZkTesting.CREDENTIALS);
    m.put("zookeeper.sessionTimeoutMs", "4000");
    m.put("socket.path", dir.resolve(node + "/clvmd.sock").toString());
    m.putAll(extra);
    return DaemonConfig.of(m);
  }

  @Test
  void twoDaemonsShareTheEmbeddedZooKeeperOfTheFirst() throws Exception {
    InMemoryDisks disks = new InMemoryDisks();
    Daemon d1 = Daemon.start(config("n1", Map.of()), new TestBackend(disks));
    try {
      Daemon d2 =
          Daemon.start(
              config("n2", Map.of("zookeeper.connect", d1.connectString())),
              new TestBackend(disks));
      Path s1 = dir.resolve("n1/clvmd.sock");
      Path s2 = dir.resolve("n2/clvmd.sock");
      assertEquals("pong\n", ControlClient.send(s2, ControlRequest.of("ping")).stdout());
      assertEquals(
          "seqno 1, applied on 0/0 nodes\n",
          ControlClient.send(s1, ControlRequest.command("vgcreate", List.of("vg1"), "/", Map.of()))
              .stdout());
      assertEquals(
          "seqno 2, applied on 0/0 nodes\n",
          ControlClient.send(s2, ControlRequest.command("lvcreate", List.of("vg1"), "/", Map.of()))
              .stdout());
      JsonNode status = ControlClient.send(s1, ControlRequest.of("status")).data();
      assertEquals("n1", status.get("answeredBy").asText());
      assertEquals(2, status.get("nodes").size());
      assertEquals("n2", status.get("vgs").get(0).get("committer").asText());
      assertEquals(2, status.get("vgs").get(0).get("seqno").asLong());

      d2.close();
      assertTrue(d2.awaitClosed(java.time.Duration.ofSeconds(1)));
      assertTrue(Files.notExists(s2), "socket removed on shutdown");
      Await.until(
          "n2 deregistered",
          ZkTesting.WAIT,
          () -> {
            try {
              return ControlClient.send(s1, ControlRequest.of("status")).data().get("nodes").size()
                  == 1;
            } catch (Exception e) {
              return false;
            }
          });
    } finally {
      d1.close();
    }
  }

  @Test
  void withoutAnEngineCommandsSaySo() throws Exception {
    try (Daemon d = Daemon.start(config("solo", Map.of()), new NoEngineBackend())) {
      ControlResponse r =
          ControlClient.send(
              dir.resolve("solo/clvmd.sock"),
              ControlRequest.command("lvs", List.of(), "/", Map.of()));
      assertEquals(5, r.exitCode());
      assertTrue(r.stderr().contains("lvs is not available"), r.stderr());
    }
  }

  @Test
  void aFailedStartClosesWhatItStarted() throws Exception {
    Files.createDirectories(dir.resolve("busy"));
    // The socket path is a directory: the control socket cannot bind, after ZooKeeper started.
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Daemon.start(
                    config("x", Map.of("socket.path", dir.resolve("busy").toString())),
                    new NoEngineBackend()));
    assertTrue(e.getMessage() != null);
  }

  @Test
  void anErrorDuringStartClosesEverythingAndIsRethrown() throws Exception {
    InMemoryDisks disks = new InMemoryDisks();
    List<ClusterNode> seen = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean backendClosed =
        new java.util.concurrent.atomic.AtomicBoolean();
    NoClassDefFoundError error = new NoClassDefFoundError("io/clvm/engine/Missing");
    DaemonBackend failing =
        new TestBackend(disks) {
          @Override
          public CommandExecutor commandExecutor(DaemonConfig config, ClusterNode cluster) {
            seen.add(cluster);
            throw error;
          }

          @Override
          public void close() {
            // Closed last (started first): the cluster services are already down.
            assertEquals(
                org.apache.curator.framework.imps.CuratorFrameworkState.STOPPED,
                seen.get(0).client().getState());
            backendClosed.set(true);
          }
        };
    NoClassDefFoundError thrown =
        assertThrows(
            NoClassDefFoundError.class, () -> Daemon.start(config("err", Map.of()), failing));
    assertSame(error, thrown);
    assertEquals(0, thrown.getSuppressed().length);
    assertEquals(1, seen.size());
    assertTrue(backendClosed.get(), "backend closed");
    assertEquals(
        org.apache.curator.framework.imps.CuratorFrameworkState.STOPPED,
        seen.get(0).client().getState());
  }

  @Test
  void mainExitsFiveWhenStartThrowsAnError() throws Exception {
    Path conf = dir.resolve("ok.conf");
    Files.writeString(conf, "cluster {\n  name = \"x\"\n}\n");
    assertEquals(
        5,
        Main.run(
            new String[] {"--config", conf.toString()},
            Map.of(),
            c -> {
              throw new NoClassDefFoundError("io/clvm/engine/Missing");
            }));
    assertEquals(
        5,
        Main.run(
            new String[] {"--config", conf.toString()},
            Map.of(),
            c -> {
              throw new java.io.IOException("no disks");
            }));
  }

  @Test
  void mainUsageAndConfigErrors() throws Exception {
    assertEquals(0, Main.run(new String[] {"--help"}, Map.of()));
    assertEquals(0, Main.run(new String[] {"--version"}, Map.of()));
    assertEquals(2, Main.run(new String[] {"--bogus"}, Map.of()));
    assertEquals(
        2, Main.run(new String[] {"--config", dir.resolve("missing.conf").toString()}, Map.of()));
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "testing.failAt = NOT_A_STEP\n");
    assertEquals(2, Main.run(new String[] {}, Map.of("CLVM_CONF", bad.toString())));
    Path good = dir.resolve("good.conf");
    Files.writeString(good, "cluster {\n  name = \"x\"\n}\n");
    DaemonConfig c = Main.loadConfig(good.toString(), Map.of(), "n7");
    assertEquals("n7", c.nodeId());
    assertEquals("/clvm/x", c.clusterRoot());
  }
}
