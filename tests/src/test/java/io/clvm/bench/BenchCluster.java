package io.clvm.bench;

import io.clvm.cluster.EmbeddedZooKeeper;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark's cluster: clvm's own embedded ZooKeeper server (the class clvmd runs when no
 * ensemble is configured, with its transaction log fsynced as usual) in this JVM, and {@code n}
 * clvmd processes started from this JVM's class path with {@code bin/clvmd}'s default JVM options,
 * sharing PV files in one directory. Commands go straight to a daemon's control socket ({@link
 * ControlClient}, the JSON request the CLI's Forwarder sends), so that what is measured is the
 * daemon, not the start-up of a client JVM.
 */
final class BenchCluster implements AutoCloseable {
  /** A command's outcome. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }
  }

  final Path dir;
  final List<Path> pvs = new ArrayList<>();
  final EmbeddedZooKeeper zk;
  final int sessionTimeoutMs;
  private final List<String> jvmOptions;
  private final int nodes;
  private final String logLevel;
  private final Process[] daemons;
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
    this.jvmOptions = List.copyOf(jvmOptions);
    this.logLevel = logLevel;
    this.keep = keep;
    this.daemons = new Process[nodes + 1];
    // ZooKeeper accepts session timeouts from 2 to 20 ticks; clvmd's embedded server ticks at
    // 500 ms, which allows up to 10 s.
    int tick = Math.max(500, (sessionTimeoutMs + 19) / 20);
    zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"), tick);
    try {
      for (int i = 1; i <= pvCount; i++) {
        Path pv = dir.resolve("pv" + i + "-clvmtest.img");
        try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
          f.setLength(pvBytes);
        }
        pvs.add(pv);
      }
      for (int i = 1; i <= nodes; i++) {
        Files.writeString(config(i), configText(i));
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
    return dir.resolve("node" + node + ".conf");
  }

  Path socket(int node) {
    return dir.resolve("node" + node + ".sock");
  }

  Path log(int node) {
    return dir.resolve("node" + node + ".log");
  }

  long pid(int node) {
    return daemons[node].pid();
  }

  private String configText(int node) {
    StringBuilder devices = new StringBuilder();
    for (Path pv : pvs) {
      devices.append(devices.length() == 0 ? "" : ",").append(pv);
    }
    return String.join(
        "\n",
        "cluster.name = \"bench\"",
        "node.id = \"node" + node + "\"",
        "zookeeper.connect = \"" + zk.connectString() + "\"",
        "zookeeper.sessionTimeoutMs = " + sessionTimeoutMs,
        "propagation.timeoutMs = 10000",
        "socket.path = \"" + socket(node) + "\"",
        "socket.allowedUsers = \"root," + System.getProperty("user.name") + "\"",
        "socket.readTimeoutMs = 120000",
        "global.locking_mode = \"cluster\"",
        "global.lock_dir = \"" + dir.resolve("lock" + node) + "\"",
        "backup.backup_dir = \"" + dir.resolve("backup" + node) + "\"",
        "backup.archive_dir = \"" + dir.resolve("archive" + node) + "\"",
        "devices.devices = \"" + devices + "\"",
        "activation.name_prefix = \"b" + node + "-\"",
        "activation.device_mapper = \"memory\"",
        "");
  }

  /** Starts (or restarts) {@code node}'s clvmd; {@link #awaitSocket} waits for it. */
  void start(int node) throws IOException {
    Files.deleteIfExists(socket(node));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.add("-Dclvm.log.level=" + logLevel);
    cmd.addAll(
        Arrays.asList(
            "-cp",
            System.getProperty("java.class.path"),
            "io.clvm.daemon.Main",
            "--config",
            config(node).toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()));
    daemons[node] = pb.start();
  }

  void awaitSocket(int node) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Process p = daemons[node];
    while (!Files.exists(socket(node))) {
      if (!p.isAlive()) {
        throw new IOException("clvmd node" + node + " exited:\n" + tail(log(node)));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("clvmd node" + node + " did not open its socket in 120 s");
      }
      Thread.sleep(20);
    }
  }

  /** SIGKILL: the node dies without closing its ZooKeeper session. */
  void kill(int node) throws InterruptedException {
    Process p = daemons[node];
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** Runs {@code command args...} on {@code node}'s clvmd, over its control socket. */
  Result run(int node, String command, String... args) {
    try {
      ControlResponse r =
          ControlClient.send(
              socket(node), ControlRequest.command(command, List.of(args), "/", Map.of()));
      return new Result(r.exitCode(), r.stdout(), r.stderr());
    } catch (IOException e) {
      return new Result(-1, "", e.toString());
    }
  }

  Result ok(int node, String command, String... args) {
    Result r = run(node, command, args);
    if (!r.ok()) {
      throw new IllegalStateException(
          "node" + node + ": " + command + " " + String.join(" ", args) + ": " + r);
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
      if (p != null) {
        p.destroy();
      }
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
    if (zk != null) {
      zk.close();
    }
    if (keep) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(BenchCluster::delete);
    } catch (IOException e) {
      // left behind in the temp dir
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // left behind
    }
  }
}
