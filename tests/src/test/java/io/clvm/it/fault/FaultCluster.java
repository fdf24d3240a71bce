package io.clvm.it.fault;

import io.clvm.cli.Main;
import io.clvm.cli.Session;
import io.clvm.testing.Await;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.data.Stat;

/**
 * The fault-injection harness: three real ZooKeeper servers (Curator's {@link TestingCluster}, so
 * that one can stop and quorum can be lost), three clvmd processes (separate JVMs from the test's
 * class path) that reach the ensemble each through its own {@link ZkProxy}, three shared PV files
 * (named {@code *-clvmtest.img}), and the CLI's entry point in cluster mode to run commands on a
 * node. The test JVM also holds its own ZooKeeper client (direct, no proxy) to observe what the
 * cluster committed. Everything lives in one temporary directory, removed on close.
 */
final class FaultCluster implements AutoCloseable {
  static final int NODES = 3;
  static final String CLUSTER = "fault";
  static final String ROOT = "/clvm/" + CLUSTER;

  /** One command's outcome, as the CLI printed it. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    @Override
    public String toString() {
      return "exit "
          + exit
          + (out.isBlank() ? "" : " out: " + out.strip())
          + (err.isBlank() ? "" : " err: " + err.strip());
    }
  }

  final Path dir;
  final List<Path> pvs = new ArrayList<>();
  final int sessionTimeoutMs;
  private final TestingCluster zk;
  private final List<InstanceSpec> specs = new ArrayList<>();
  private final boolean[] zkDown = new boolean[NODES];
  private final ZkProxy[] proxies = new ZkProxy[NODES];
  private final Process[] daemons = new Process[NODES];
  private final boolean[] stopped = new boolean[NODES];
  private final String[] extraConfig = new String[NODES];
  private final CuratorFramework observer;

  FaultCluster(long pvBytes, int sessionTimeoutMs) throws Exception {
    this.sessionTimeoutMs = sessionTimeoutMs;
    dir = Files.createTempDirectory("clvm-fault-");
    try {
      for (int i = 1; i <= NODES; i++) {
        Path pv = dir.resolve("pv" + i + "-clvmtest.img");
        try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
          f.setLength(pvBytes);
        }
        pvs.add(pv);
      }
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
        proxies[i - 1] = new ZkProxy("node" + i, ports);
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

  Path config(int node) {
    return dir.resolve("node" + node + ".conf");
  }

  Path socket(int node) {
    return dir.resolve("node" + node + ".sock");
  }

  Path log(int node) {
    return dir.resolve("node" + node + ".log");
  }

  ZkProxy proxy(int node) {
    return proxies[node - 1];
  }

  private String configText(int node) {
    StringBuilder devices = new StringBuilder();
    for (Path pv : pvs) {
      devices.append(devices.length() == 0 ? "" : ",").append(pv);
    }
    return String.join(
        "\n",
        "cluster.name = \"" + CLUSTER + "\"",
        "node.id = \"node" + node + "\"",
        "zookeeper.connect = \"" + proxies[node - 1].connectString() + "\"",
        "zookeeper.sessionTimeoutMs = " + sessionTimeoutMs,
        "zookeeper.connectionTimeoutMs = 5000",
        "propagation.timeoutMs = 5000",
        "lock.timeoutMs = 120000",
        "socket.path = \"" + socket(node) + "\"",
        "socket.allowedUsers = \"root," + System.getProperty("user.name") + "\"",
        "socket.readTimeoutMs = 30000",
        "global.locking_mode = \"cluster\"",
        "global.lock_dir = \"" + dir.resolve("lock" + node) + "\"",
        "backup.backup_dir = \"" + dir.resolve("backup" + node) + "\"",
        "backup.archive_dir = \"" + dir.resolve("archive" + node) + "\"",
        "devices.devices = \"" + devices + "\"",
        "activation.name_prefix = \"f" + node + "-\"",
        "activation.device_mapper = \"memory\"",
        extraConfig[node - 1],
        "");
  }

  /** Starts {@code node}'s clvmd (its config rewritten with the current extra lines). */
  synchronized void start(int node) throws IOException {
    Files.writeString(config(node), configText(node));
    Files.deleteIfExists(socket(node));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx160m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "io.clvm.daemon.Main",
            "--config",
            config(node).toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()));
    daemons[node - 1] = pb.start();
    stopped[node - 1] = false;
  }

  /** Waits until {@code node}'s clvmd has opened its socket. */
  void awaitUp(int node) {
    Process p = daemons[node - 1];
    Await.until(
        "clvmd node" + node + " to open its socket (log: " + log(node) + ")",
        Duration.ofSeconds(120),
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("clvmd node" + node + " exited:\n" + tail(log(node)));
          }
          return Files.exists(socket(node));
        });
  }

  /** Extra config lines for the next start of {@code node} (fail points), "" for none. */
  synchronized void extraConfig(int node, String lines) {
    extraConfig[node - 1] = lines;
  }

  synchronized boolean alive(int node) {
    Process p = daemons[node - 1];
    return p != null && p.isAlive();
  }

  synchronized long pid(int node) {
    return daemons[node - 1].pid();
  }

  /** kill -9. */
  void kill(int node) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = daemons[node - 1];
      if (stopped[node - 1]) {
        signal(p.pid(), "CONT");
        stopped[node - 1] = false;
      }
    }
    p.destroyForcibly();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("node" + node + " did not die on SIGKILL");
    }
  }

  /** SIGTERM: the daemon's graceful shutdown (its session closed, its ephemerals gone). */
  void stop(int node) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = daemons[node - 1];
      if (stopped[node - 1]) {
        signal(p.pid(), "CONT");
        stopped[node - 1] = false;
      }
    }
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Waits (bounded) until {@code node}'s process has exited by itself (a halting fail point). */
  boolean awaitExit(int node, Duration timeout) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = daemons[node - 1];
    }
    return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized int exitValue(int node) {
    return daemons[node - 1].exitValue();
  }

  /** SIGSTOP: the classic stale writer, frozen wherever it was. */
  synchronized void pause(int node) {
    signal(daemons[node - 1].pid(), "STOP");
    stopped[node - 1] = true;
  }

  synchronized void resume(int node) {
    signal(daemons[node - 1].pid(), "CONT");
    stopped[node - 1] = false;
  }

  private static void signal(long pid, String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start();
      if (!k.waitFor(30, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new AssertionError("kill -" + sig + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
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

  /** Runs {@code clvm args...} on {@code node} (in cluster mode: through its clvmd). */
  Result run(int node, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            false,
            Map.of("CLVM_CONF", config(node).toString()));
    int exit = Main.run(args, s);
    return new Result(exit, out.toString(), err.toString());
  }

  Result ok(int node, String... args) {
    Result r = run(node, args);
    if (!r.ok()) {
      throw new AssertionError("node" + node + ": clvm " + String.join(" ", args) + ": " + r);
    }
    return r;
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    for (int i = 1; i <= NODES; i++) {
      Process p = daemons[i - 1];
      if (p == null) {
        continue;
      }
      if (stopped[i - 1]) {
        signal(p.pid(), "CONT");
      }
      p.destroy();
    }
    for (Process p : daemons) {
      if (p == null) {
        continue;
      }
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    for (ZkProxy p : proxies) {
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
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(FaultCluster::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // left in the temp dir
    }
  }
}
