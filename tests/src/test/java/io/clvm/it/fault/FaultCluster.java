package io.clvm.it.fault;

import io.clvm.it.harness.NodesCli;
import io.clvm.testing.cluster.ClvmdNodes;
import io.clvm.testing.cluster.NodeConfig;
import io.clvm.testing.cluster.ScratchDir;
import io.clvm.testing.net.TcpProxy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.data.Stat;

/**
 * The fault-injection harness: three real ZooKeeper servers (Curator's {@link TestingCluster}, so
 * that one can stop and quorum can be lost), three clvmd processes (separate JVMs from the test's
 * class path) that reach the ensemble each through its own {@link TcpProxy}, three shared PV files
 * (named {@code *-clvmtest.img}), and the CLI's entry point in cluster mode to run commands on a
 * node. The test JVM also holds its own ZooKeeper client (direct, no proxy) to observe what the
 * cluster committed. Everything lives in one temporary directory, removed on close.
 */
final class FaultCluster implements AutoCloseable, NodesCli {
  static final int NODES = 3;
  static final String CLUSTER = "fault";
  static final String ROOT = "/clvm/" + CLUSTER;

  final Path dir;
  final List<Path> pvs;
  final int sessionTimeoutMs;
  private final TestingCluster zk;
  private final List<InstanceSpec> specs = new ArrayList<>();
  private final boolean[] zkDown = new boolean[NODES];
  private final TcpProxy[] proxies = new TcpProxy[NODES];
  private final ClvmdNodes daemons;
  private final String[] extraConfig = new String[NODES];
  private final CuratorFramework observer;

  FaultCluster(long pvBytes, int sessionTimeoutMs) throws Exception {
    this.sessionTimeoutMs = sessionTimeoutMs;
    dir = Files.createTempDirectory("clvm-fault-");
    daemons = ClvmdNodes.in(dir, NODES);
    try {
      pvs = ScratchDir.pvFiles(dir, NODES, pvBytes);
      for (int i = 1; i <= NODES; i++) {
        File data = Files.createDirectories(dir.resolve("zk" + i)).toFile();
        // tickTime 500 ms: sessions between 1 s and 10 s, so expiry fits a CI-sized run
        specs.add(new InstanceSpec(data, -1, -1, -1, true, i, 500, -1));
      }
      zk = new TestingCluster(specs);
      zk.start();
      observer =
          CuratorFrameworkFactory.newClient(
              zk.getConnectString(), 30000, 10000, new ExponentialBackoffRetry(200, 20, 2000));
      observer.start();
      List<Integer> ports = specs.stream().map(InstanceSpec::getPort).toList();
      for (int i = 1; i <= NODES; i++) {
        proxies[i - 1] = new TcpProxy("node" + i, ports);
        extraConfig[i - 1] = "";
      }
      for (int i = 1; i <= NODES; i++) {
        start(i);
      }
      for (int i = 1; i <= NODES; i++) {
        awaitUp(i);
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  CuratorFramework observer() {
    return observer;
  }

  @Override
  public Path config(int node) {
    return daemons.config(node);
  }

  Path socket(int node) {
    return daemons.socket(node);
  }

  Path log(int node) {
    return daemons.log(node);
  }

  TcpProxy proxy(int node) {
    return proxies[node - 1];
  }

  private String configText(int node) {
    return NodeConfig.nodeIn(dir, CLUSTER, node)
        .zookeeper(proxies[node - 1].connectString(), sessionTimeoutMs)
        .set("zookeeper.connectionTimeoutMs", 5000)
        .set("propagation.timeoutMs", 5000)
        .set("lock.timeoutMs", 120000)
        .set("socket.readTimeoutMs", 30000)
        .devices(pvs)
        .activation("f" + node + "-", "memory")
        .extra(extraConfig[node - 1])
        .text();
  }

  /** Starts {@code node}'s clvmd (its config rewritten with the current extra lines). */
  synchronized void start(int node) throws IOException {
    daemons.start(node, configText(node));
  }

  /** Waits until {@code node}'s clvmd has opened its socket. */
  void awaitUp(int node) {
    daemons.awaitUp(node, Duration.ofSeconds(120));
  }

  /** Extra config lines for the next start of {@code node} (fail points), "" for none. */
  synchronized void extraConfig(int node, String lines) {
    extraConfig[node - 1] = lines;
  }

  boolean alive(int node) {
    return daemons.daemon(node) != null && daemons.daemon(node).alive();
  }

  long pid(int node) {
    return daemons.daemon(node).pid();
  }

  /** kill -9. */
  void kill(int node) throws InterruptedException {
    daemons.daemon(node).kill();
  }

  /** SIGTERM: the daemon's graceful shutdown (its session closed, its ephemerals gone). */
  void stop(int node) throws InterruptedException {
    daemons.daemon(node).stop(Duration.ofSeconds(60));
  }

  /** Waits (bounded) until {@code node}'s process has exited by itself (a halting fail point). */
  boolean awaitExit(int node, Duration timeout) throws InterruptedException {
    return daemons.daemon(node).awaitExit(timeout);
  }

  int exitValue(int node) {
    return daemons.daemon(node).exitValue();
  }

  /** SIGSTOP: the classic stale writer, frozen wherever it was. */
  void pause(int node) {
    daemons.daemon(node).pause();
  }

  void resume(int node) {
    daemons.daemon(node).resume();
  }

  /** Stops ZooKeeper server {@code i} (1-based). */
  synchronized void stopZk(int i) throws Exception {
    if (!zkDown[i - 1]) {
      zk.killServer(specs.get(i - 1));
      zkDown[i - 1] = true;
    }
  }

  synchronized void startZk(int i) throws Exception {
    if (zkDown[i - 1]) {
      zk.restartServer(specs.get(i - 1));
      zkDown[i - 1] = false;
    }
  }

  synchronized int zkUp() {
    int n = 0;
    for (boolean d : zkDown) {
      n += d ? 0 : 1;
    }
    return n;
  }

  /** The ephemeral owner (session) of {@code nodes/<id>}, 0 when absent or unreadable now. */
  long session(int node) {
    try {
      Stat st = observer.checkExists().forPath(ROOT + "/nodes/node" + node);
      return st == null ? 0 : st.getEphemeralOwner();
    } catch (Exception e) {
      return 0;
    }
  }

  @Override
  public void close() {
    daemons.close();
    for (TcpProxy p : proxies) {
      if (p != null) {
        p.close();
      }
    }
    if (observer != null) {
      observer.close();
    }
    try {
      if (zk != null) {
        zk.close();
      }
    } catch (IOException e) {
      // stopping the servers
    }
    ScratchDir.delete(dir);
  }
}
