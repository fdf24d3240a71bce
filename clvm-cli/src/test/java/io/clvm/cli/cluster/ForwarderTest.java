package io.clvm.cli.cluster;

import static io.clvm.cli.cluster.OneDaemonFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cli.cluster.OneDaemonFixture.Run;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.daemon.control.ControlServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode on the CLI's side: every command goes to clvmd, never to local locking. */
class ForwarderTest {
  @TempDir Path dir;

  private Path conf(String mode) throws Exception {
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(
        conf,
        "global.locking_mode = \""
            + mode
            + "\"\nsocket.path = \""
            + dir.resolve("clvmd.sock")
            + "\"\n");
    return conf;
  }

  @Test
  void commandsGoToTheDaemonAndItsAnswerIsPrintedVerbatim() throws Exception {
    Path conf = conf("cluster");
    List<ControlRequest> seen = new CopyOnWriteArrayList<>();
    try (ControlServer server =
        new ControlServer(
            new ControlServer.Settings(
                dir.resolve("clvmd.sock"),
                Set.of(System.getProperty("user.name")),
                1 << 20,
                Duration.ofSeconds(10),
                4),
            (request, peer) -> {
              seen.add(request);
              return new ControlResponse(
                  ControlProtocol.VERSION,
                  request.command().equals("lvcreate") ? 5 : 0,
                  "  from clvmd: " + request.command() + " " + request.argv() + "\n",
                  request.command().equals("lvcreate") ? "  refused\n" : "",
                  null);
            },
            () -> Map.of())) {
      server.start();
      Run lvs = run(conf, "lvs", "vg0");
      assertEquals(0, lvs.exit(), lvs.toString());
      assertEquals("  from clvmd: lvs [vg0]\n", lvs.out());
      Run create = run(conf, "lvcreate", "-L", "8M", "-n", "a", "vg0");
      assertEquals(5, create.exit());
      assertEquals("  refused\n", create.err());
      Run status = run(conf, "cluster", "status", "--reportformat", "json");
      assertEquals(0, status.exit(), status.toString());
      assertEquals("cluster", seen.get(2).command());
      assertEquals(List.of("status", "--reportformat", "json"), seen.get(2).argv());
      Run remote = run(conf, "lvchange", "-ay", "--node", "n2", "vg0/a");
      assertEquals(List.of("-ay", "--node", "n2", "vg0/a"), seen.get(3).argv(), remote.toString());
    }
  }

  @Test
  void noDaemonMeansFailureNotFallback() throws Exception {
    Path conf = conf("cluster");
    Run r = run(conf, "lvs");
    assertEquals(5, r.exit());
    assertTrue(r.err().contains("clvmd"), r.err());
    Files.createFile(dir.resolve("clvmd.sock")); // a stale file, nobody listening
    r = run(conf, "lvs");
    assertEquals(5, r.exit());
    assertTrue(r.err().contains("cannot be reached"), r.err());
  }

  @Test
  void clusterOptionsAreRefusedInLocalMode() throws Exception {
    Path conf = conf("local");
    Run remote = run(conf, "lvchange", "-ay", "--node", "n2", "vg0/a");
    assertEquals(3, remote.exit(), remote.toString());
    assertTrue(remote.err().contains("cluster mode"), remote.err());
    Run status = run(conf, "cluster", "status");
    assertEquals(5, status.exit(), status.toString());
    assertTrue(status.err().contains("local mode"), status.err());
  }
}
