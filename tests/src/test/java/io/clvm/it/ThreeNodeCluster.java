package io.clvm.it;

import io.clvm.it.harness.NodesCli;
import io.clvm.testing.cluster.ClvmdNodes;
import io.clvm.testing.cluster.NodeConfig;
import io.clvm.testing.cluster.ScratchDir;
import io.clvm.testing.cluster.ZooKeeperTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;

/**
 * Three clvmd processes (separate JVMs, started from the test's own class path) on one machine,
 * sharing three PV files, with a real ZooKeeper server (Curator's TestingServer) in the test JVM.
 * Commands go through the real CLI entry point in cluster mode, hence over each daemon's control
 * socket. Everything lives in one temporary directory, removed on close.
 */
final class ThreeNodeCluster implements AutoCloseable, NodesCli {
  static final int NODES = 3;
  private static final Duration START = Duration.ofSeconds(90);

  final Path dir;
  final List<Path> pvs;
  private final TestingServer zk;
  private final ClvmdNodes daemons;

  ThreeNodeCluster(long pvBytes) throws Exception {
    dir = Files.createTempDirectory("clvm-it-");
    daemons = ClvmdNodes.in(dir, NODES);
    zk = ZooKeeperTestServer.start(dir);
    try {
      pvs = ScratchDir.pvFiles(dir, NODES, pvBytes);
      for (int i = 1; i <= NODES; i++) {
        daemons.start(i, configText(i));
      }
      for (int i = 1; i <= NODES; i++) {
        daemons.awaitUp(i, START);
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  @Override
  public Path config(int node) {
    return daemons.config(node);
  }

  Path socket(int node) {
    return daemons.socket(node);
  }

  /** Where {@code node}'s clvmd writes the backups of the commits it makes. */
  Path backupDir(int node) {
    return dir.resolve("backup" + node);
  }

  Path archiveDir(int node) {
    return dir.resolve("archive" + node);
  }

  Path log(int node) {
    return daemons.log(node);
  }

  /**
   * Stops {@code node}'s clvmd if it still runs (SIGTERM) and starts it again with {@code extra}
   * configuration lines (e.g. a {@code testing.failAt}); waits for its socket.
   */
  void restart(int node, String... extra) throws Exception {
    daemons.restart(node, configText(node, extra), START);
  }

  /**
   * kill -9 of {@code node}'s clvmd, then a new one with the usual configuration (10 s sessions);
   * waits for its socket. The killed process's session lives on until the server expires it.
   */
  void killAndStart(int node) throws Exception {
    daemons.daemon(node).kill();
    daemons.start(node, configText(node));
    daemons.awaitUp(node, START);
  }

  /** The exit code of {@code node}'s clvmd once it has exited (e.g. halted by a fail point). */
  int awaitExit(int node, Duration timeout) throws InterruptedException {
    if (!daemons.daemon(node).awaitExit(timeout)) {
      throw new AssertionError("clvmd node" + node + " still runs after " + timeout);
    }
    return daemons.daemon(node).exitValue();
  }

  /** Like {@link #restart}, with ZooKeeper sessions of {@code sessionTimeoutMs}. */
  void restartWithSessionTimeout(int node, int sessionTimeoutMs) throws Exception {
    daemons.restart(node, configText(node, sessionTimeoutMs), START);
  }

  private String configText(int node, String... extra) {
    return configText(node, 10000, extra);
  }

  private String configText(int node, int sessionTimeoutMs, String... extra) {
    return NodeConfig.nodeIn(dir, "it", node)
        .zookeeper(zk.getConnectString(), sessionTimeoutMs)
        .set("propagation.timeoutMs", 10000)
        .set("socket.readTimeoutMs", 30000)
        .devices(pvs)
        .activation("it" + node + "-", "memory")
        .extra(extra)
        .text();
  }

  @Override
  public void close() {
    try (TestingServer z = zk) {
      daemons.close();
    } catch (Exception e) {
      // stopping the test server
    } finally {
      ScratchDir.delete(dir);
    }
  }
}
