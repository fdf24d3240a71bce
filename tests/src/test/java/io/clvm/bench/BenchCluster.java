package io.clvm.bench;

import io.clvm.cluster.EmbeddedZooKeeper;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.cluster.ClvmdNodes;
import io.clvm.testing.cluster.NodeConfig;
import io.clvm.testing.cluster.ScratchDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's cluster: clvm's own embedded ZooKeeper server (the class clvmd runs when no
 * ensemble is configured, with its transaction log fsynced as usual) in this JVM, and {@code n}
 * clvmd processes started from this JVM's class path with {@code bin/clvmd}'s default JVM options,
 * sharing PV files in one directory. Commands go straight to a daemon's control socket ({@link
 * ControlClient}, the JSON request the CLI's Forwarder sends), so that what is measured is the
 * daemon, not the start-up of a client JVM.
 */
final class BenchCluster implements AutoCloseable {
  final Path dir;
  final List<Path> pvs;
  final EmbeddedZooKeeper zk;
  final int sessionTimeoutMs;
  private final int nodes;
  private final ClvmdNodes daemons;
  private final boolean keep;

  BenchCluster(
      Path parent,
      int nodes,
      int pvCount,
      long pvBytes,
      int sessionTimeoutMs,
      List<String> jvmOptions,
      String logLevel,
      boolean keep)
      throws Exception {
    Files.createDirectories(parent);
    this.dir = Files.createTempDirectory(parent, "clvm-bench-");
    this.nodes = nodes;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.keep = keep;
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Dclvm.log.level=" + logLevel);
    // Each clvmd watches its configuration's directory (ConfigReloader): the logs and the PV files,
    // written for every commit, go to subdirectories, or every log line and PV write of any node
    // would wake the watch threads of all three (4 % of the cluster's CPU in the 3 x 3 run).
    Path logs = Files.createDirectories(dir.resolve("logs"));
    this.daemons = new ClvmdNodes(nodes, dir, logs, "node", options, false);
    // ZooKeeper accepts session timeouts from 2 to 20 ticks; clvmd's embedded server ticks at
    // 500 ms, which allows up to 10 s.
    int tick = Math.max(500, (sessionTimeoutMs + 19) / 20);
    zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"), tick);
    try {
      pvs = ScratchDir.pvFiles(Files.createDirectories(dir.resolve("pvs")), pvCount, pvBytes);
      for (int i = 1; i <= nodes; i++) {
        start(i);
      }
      for (int i = 1; i <= nodes; i++) {
        awaitSocket(i);
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  int nodes() {
    return nodes;
  }

  Path config(int node) {
    return daemons.config(node);
  }

  Path socket(int node) {
    return daemons.socket(node);
  }

  Path log(int node) {
    return daemons.log(node);
  }

  long pid(int node) {
    return daemons.daemon(node).pid();
  }

  private String configText(int node) {
    return NodeConfig.nodeIn(dir, "bench", node)
        .zookeeper(zk.connectString(), sessionTimeoutMs)
        .set("propagation.timeoutMs", 10000)
        .set("socket.readTimeoutMs", 120000)
        .devices(pvs)
        .activation("b" + node + "-", "memory")
        .text();
  }

  /** Starts (or restarts) {@code node}'s clvmd; {@link #awaitSocket} waits for it. */
  void start(int node) throws IOException {
    daemons.start(node, configText(node));
  }

  void awaitSocket(int node) {
    daemons.awaitUp(node, Duration.ofSeconds(120));
  }

  /** SIGKILL: the node dies without closing its ZooKeeper session. */
  void kill(int node) throws InterruptedException {
    daemons.daemon(node).kill();
  }

  /** Runs {@code command args...} on {@code node}'s clvmd, over its control socket. */
  CliResult run(int node, String command, String... args) {
    try {
      ControlResponse r =
          ControlClient.send(
              socket(node), ControlRequest.command(command, List.of(args), "/", Map.of()));
      return new CliResult(r.exitCode(), r.stdout(), r.stderr());
    } catch (IOException e) {
      return new CliResult(-1, "", e.toString());
    }
  }

  CliResult ok(int node, String command, String... args) {
    CliResult r = run(node, command, args);
    if (!r.ok()) {
      throw new IllegalStateException(
          "node" + node + ": " + command + " " + String.join(" ", args) + ": " + r);
    }
    return r;
  }

  @Override
  public void close() {
    daemons.close();
    if (zk != null) {
      zk.close();
    }
    if (!keep) {
      ScratchDir.delete(dir);
    }
  }
}
