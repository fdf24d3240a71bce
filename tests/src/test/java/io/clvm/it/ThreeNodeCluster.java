package io.clvm.it;

import io.clvm.cli.Main;
import io.clvm.cli.Session;
import io.clvm.testing.Await;
import java.io.ByteArrayInputStream;
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
import org.apache.curator.test.TestingServer;

/**
 * Three clvmd processes (separate JVMs, started from the test's own class path) on one machine,
 * sharing three PV files, with a real ZooKeeper server (Curator's TestingServer) in the test JVM.
 * Commands go through the real CLI entry point in cluster mode, hence over each daemon's control
 * socket. Everything lives in one temporary directory, removed on close.
 */
final class ThreeNodeCluster implements AutoCloseable {
  /** One command's outcome, as the CLI would have printed it. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static final int NODES = 3;

  final Path dir;
  final List<Path> pvs = new ArrayList<>();
  private final TestingServer zk;
  private final List<Process> daemons = new ArrayList<>();

  ThreeNodeCluster(long pvBytes) throws Exception {
    dir = Files.createTempDirectory("clvm-it-");
    zk = new TestingServer(true);
    for (int i = 1; i <= NODES; i++) {
      Path pv = dir.resolve("pv" + i + "-clvmtest.img");
      try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
        f.setLength(pvBytes);
      }
      pvs.add(pv);
    }
    try {
      for (int i = 1; i <= NODES; i++) {
        Files.writeString(config(i), configText(i));
        daemons.add(start(i));
      }
      for (int i = 1; i <= NODES; i++) {
        int n = i;
        Process p = daemons.get(i - 1);
        Await.until(
            "clvmd node" + n + " to open its socket (log: " + log(n) + ")",
            Duration.ofSeconds(90),
            () -> {
              if (!p.isAlive()) {
                throw new AssertionError("clvmd node" + n + " exited:\n" + tail(log(n)));
              }
              return Files.exists(socket(n));
            });
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  Path config(int node) {
    return dir.resolve("node" + node + ".conf");
  }

  Path socket(int node) {
    return dir.resolve("node" + node + ".sock");
  }

  /** Where {@code node}'s clvmd writes the backups of the commits it makes. */
  Path backupDir(int node) {
    return dir.resolve("backup" + node);
  }

  Path archiveDir(int node) {
    return dir.resolve("archive" + node);
  }

  Path log(int node) {
    return dir.resolve("node" + node + ".log");
  }

  /**
   * Stops {@code node}'s clvmd if it still runs (SIGTERM) and starts it again with {@code extra}
   * configuration lines (e.g. a {@code testing.failAt}); waits for its socket.
   */
  void restart(int node, String... extra) throws Exception {
    Process old = daemons.get(node - 1);
    old.destroy();
    if (!old.waitFor(20, TimeUnit.SECONDS)) {
      old.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(socket(node)); // left behind by a halted daemon
    Files.writeString(config(node), configText(node) + String.join("\n", extra) + "\n");
    Process p = start(node);
    daemons.set(node - 1, p);
    Await.until(
        "clvmd node" + node + " to open its socket again (log: " + log(node) + ")",
        Duration.ofSeconds(90),
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("clvmd node" + node + " exited:\n" + tail(log(node)));
          }
          return Files.exists(socket(node));
        });
  }

  /** The exit code of {@code node}'s clvmd once it has exited (e.g. halted by a fail point). */
  int awaitExit(int node, Duration timeout) throws InterruptedException {
    Process p = daemons.get(node - 1);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("clvmd node" + node + " still runs after " + timeout);
    }
    return p.exitValue();
  }

  private String configText(int node) {
    StringBuilder devices = new StringBuilder();
    for (Path pv : pvs) {
      devices.append(devices.length() == 0 ? "" : ",").append(pv);
    }
    return String.join(
        "\n",
        "cluster.name = \"it\"",
        "node.id = \"node" + node + "\"",
        "zookeeper.connect = \"" + zk.getConnectString() + "\"",
        "zookeeper.sessionTimeoutMs = 10000",
        "propagation.timeoutMs = 10000",
        "socket.path = \"" + socket(node) + "\"",
        "socket.allowedUsers = \"root," + System.getProperty("user.name") + "\"",
        "socket.readTimeoutMs = 30000",
        "global.locking_mode = \"cluster\"",
        "global.lock_dir = \"" + dir.resolve("lock" + node) + "\"",
        "backup.backup_dir = \"" + backupDir(node) + "\"",
        "backup.archive_dir = \"" + archiveDir(node) + "\"",
        "devices.devices = \"" + devices + "\"",
        "activation.name_prefix = \"it" + node + "-\"",
        "activation.device_mapper = \"memory\"",
        "");
  }

  private Process start(int node) throws IOException {
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
    pb.redirectOutput(log(node).toFile());
    return pb.start();
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

  /** Like {@link #run}, failing the test unless the command succeeds. */
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
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    for (Process p : daemons) {
      p.destroy(); // SIGTERM: the daemons' graceful shutdown
    }
    for (Process p : daemons) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    try {
      zk.close();
    } catch (IOException e) {
      // stopping the test server
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(ThreeNodeCluster::delete);
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
