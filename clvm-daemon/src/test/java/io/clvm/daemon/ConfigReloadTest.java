package io.clvm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.clvm.cluster.InMemoryDisks;
import io.clvm.cluster.ZkTesting;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Log levels from clvm.conf: at start, when the file changes, and on reload-config. */
class ConfigReloadTest {
  private static final String LOGGER = "io.clvm.obs.reloadtest";

  @TempDir Path dir;

  private String base() {
    return "node.id = \"r1\"\n"
        + "cluster.name = \"unit\"\n"
        + "zookeeper {\n  embedded.port = 0\n  embedded.dataDir = \""
        + dir.resolve("zk")
        + "\"\n  auth = \""
        + ZkTesting.CREDENTIALS
        + "\"\n}\n"
        + "socket.path = \""
        + dir.resolve("clvmd.sock")
        + "\"\n";
  }

  /** Writes the file as editors do: a new file renamed over the old one. */
  private void write(Path conf, String text) throws Exception {
    Path tmp = dir.resolve("clvm.conf.tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Level level() {
    return ((Logger) LoggerFactory.getLogger(LOGGER)).getLevel();
  }

  private ControlResponse reload() throws Exception {
    return ControlClient.send(
        dir.resolve("clvmd.sock"), ControlRequest.of(ControlProtocol.TYPE_RELOAD_CONFIG));
  }

  @Test
  void levelsFollowTheFileWithoutARestart() throws Exception {
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(conf, base() + "log.level." + LOGGER + " = \"ERROR\"\n");
    try (Daemon d =
        Daemon.start(DaemonConfig.load(conf), new DaemonTest.TestBackend(new InMemoryDisks()))) {
      assertEquals(Level.ERROR, level(), "applied at start");
      ControlResponse none = reload();
      assertEquals(5, none.exitCode(), "no file watched yet: " + none);
      assertTrue(none.stderr().contains("nothing to reload"), none.stderr());

      d.watchConfig(conf);
      write(conf, base() + "log {\n  level." + LOGGER + " = \"DEBUG\"\n}\n");
      Await.until("the watcher applied DEBUG", ZkTesting.WAIT, () -> Level.DEBUG.equals(level()));

      // reload-config (systemctl reload): same effect, and says what changed
      Files.writeString(
          conf, base() + "log.level." + LOGGER + " = \"WARN\"\nlock.timeoutMs = 1234\n");
      ControlResponse r = reload();
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals(Level.WARN, level());
      assertTrue(
          r.stdout().contains("lock.timeoutMs changed: takes effect when clvmd restarts"),
          r.stdout());

      // an invalid file changes nothing
      Files.writeString(conf, base() + "log.level." + LOGGER + " = \"LOUD\"\n");
      ControlResponse bad = reload();
      assertEquals(5, bad.exitCode(), bad.toString());
      assertTrue(bad.stderr().contains("nothing changed"), bad.stderr());
      assertEquals(Level.WARN, level());

      // a removed key gives the logger back its level from before (inherited)
      write(conf, base());
      Await.until("the watcher restored the level", ZkTesting.WAIT, () -> level() == null);
      assertEquals(0, reload().exitCode());
      assertNull(level());
    }
  }
}
