package io.clvm.testing.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The clvmd processes of a test cluster, nodes {@code 1..n}: each with its configuration {@code
 * node<i>.conf} and control socket {@code node<i>.sock} in one directory and its log in another;
 * started, restarted with a new configuration, killed, frozen, and all stopped on close. What the
 * configuration says (ZooKeeper, devices, timeouts) is the fixture's.
 */
public final class ClvmdNodes implements AutoCloseable {
  private final Path dir;
  private final Path logDir;
  private final String logPrefix;
  private final List<String> jvmOptions;
  private final boolean ownSession;
  private final ClvmdProcess[] daemons;

  /**
   * Nodes {@code 1..nodes} with their files in {@code dir} and their logs {@code
   * <logDir>/<logPrefix><i>.log}; see {@link ClvmdProcess#start} for {@code ownSession}.
   */
  public ClvmdNodes(
      int nodes,
      Path dir,
      Path logDir,
      String logPrefix,
      List<String> jvmOptions,
      boolean ownSession) {
    this.dir = dir;
    this.logDir = logDir;
    this.logPrefix = logPrefix;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.ownSession = ownSession;
    this.daemons = new ClvmdProcess[nodes];
  }

  /** Nodes with the tests' small JVMs, every file (logs too) in {@code dir}. */
  public static ClvmdNodes in(Path dir, int nodes) {
    return new ClvmdNodes(nodes, dir, dir, "node", ClvmdProcess.SMALL_JVM, false);
  }

  public int count() {
    return daemons.length;
  }

  public Path config(int node) {
    return dir.resolve("node" + node + ".conf");
  }

  public Path socket(int node) {
    return NodeConfig.socketIn(dir, node);
  }

  public Path log(int node) {
    return logDir.resolve(logPrefix + node + ".log");
  }

  /** Writes {@code node}'s configuration and starts its clvmd; {@link #awaitUp} waits for it. */
  public synchronized ClvmdProcess start(int node, String configText) throws IOException {
    Files.writeString(config(node), configText);
    daemons[node - 1] =
        ClvmdProcess.start(
            "node" + node, config(node), socket(node), log(node), jvmOptions, ownSession);
    return daemons[node - 1];
  }

  /** Waits until {@code node}'s clvmd has opened its socket. */
  public void awaitUp(int node, Duration timeout) {
    daemon(node).awaitSocket(timeout);
  }

  /**
   * Stops {@code node}'s clvmd if it still runs (SIGTERM, SIGKILL after 20 s), starts it with
   * {@code configText} and waits for its socket.
   */
  public void restart(int node, String configText, Duration timeout) throws Exception {
    daemon(node).stop(Duration.ofSeconds(20));
    start(node, configText).awaitSocket(timeout);
  }

  /** {@code node}'s current clvmd (the last one started). */
  public synchronized ClvmdProcess daemon(int node) {
    return daemons[node - 1];
  }

  /** Every daemon still running gets SIGTERM at once, then 20 s to end before SIGKILL. */
  @Override
  public void close() {
    ClvmdProcess[] all;
    synchronized (this) {
      all = daemons.clone();
    }
    for (ClvmdProcess p : all) {
      if (p != null) {
        p.terminate();
      }
    }
    for (ClvmdProcess p : all) {
      if (p == null) {
        continue;
      }
      try {
        p.awaitTerminated(Duration.ofSeconds(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
