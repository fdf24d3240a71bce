package io.clvm.bench;

import io.clvm.cluster.Json;
import io.clvm.cluster.commit.VgState;
import io.clvm.cluster.propagate.AppliedRecord;
import io.clvm.it.harness.CliResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * issue 8's cluster benchmark: three clvmd processes on one machine (see {@link BenchCluster}),
 * driven over their control sockets (the daemon is measured, not the start-up of a client JVM).
 *
 * <ol>
 *   <li><b>commits/s</b> on one VG, from one node and from all nodes at once: each client loops
 *       {@code lvcreate -an -l 1} + {@code lvremove -f} of its own LV (two commits, the VG stays
 *       small), after a warm-up of every daemon;
 *   <li><b>commit → applied on every node</b>: ZooKeeper's own clock on both sides: the {@code
 *       state} znode's mtime (the commit point's multi) and the mtime of each node's {@code
 *       applied/<node>} record, seen by a watch of this process; paced commits (one at a time), and
 *       under the load of the three-node runs;
 *   <li><b>lvextend with the LV active on every node</b>: the admin's wait until {@code applied on
 *       3/3 nodes};
 *   <li><b>the limit</b>: 4 KiB write + fdatasync in the PV files' directory (O_DIRECT and through
 *       the page cache, as clvm writes block devices and regular files), and ZooKeeper writes
 *       (setData, and a two-op multi like the commit point) on the same server;
 *   <li><b>takeover</b>: a node holding an LV exclusively is killed (SIGKILL); another node retries
 *       {@code lvchange -aey} every 50 ms until it succeeds.
 * </ol>
 *
 * Run: {@code scripts/bench-cluster.sh [--iterations 100] [--takeovers 3] ...}; results in
 * BENCHMARKS.md. {@code --log-level DEBUG} adds a per-step profile of the commit protocol from the
 * daemons' logs (it slows them a little).
 */
public final class ClusterBench {
  static final String VG = "bench";

  /** bin/clvmd's default JVM options (CLVMD_JAVA_OPTS unset): the daemons run as installed. */
  static final String CLVMD_JVM =
      "-Xmx256m -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000"
          + " -XX:Tier4CompileThreshold=60000";

  /** The command line: {@code --name value} pairs. */
  record Options(
      Path dir,
      int iterations,
      List<Integer> clients,
      int paced,
      int extends_,
      int limitOps,
      int takeovers,
      int sessionTimeoutMs,
      List<String> jvmOptions,
      String logLevel,
      Path out,
      boolean keep) {

    static Options parse(String... args) {
      Map<String, String> m = new TreeMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument " + args[i]);
        }
        String key = args[i].substring(2);
        if (key.equals("keep")) {
          m.put(key, "true");
        } else if (i + 1 < args.length) {
          m.put(key, args[++i]);
        } else {
          throw new IllegalArgumentException("--" + key + " needs a value");
        }
      }
      Options o =
          new Options(
              Path.of(m.getOrDefault("dir", "/var/tmp")),
              Integer.parseInt(m.getOrDefault("iterations", "100")),
              Arrays.stream(m.getOrDefault("clients", "1,3").split(","))
                  .map(Integer::valueOf)
                  .toList(),
              Integer.parseInt(m.getOrDefault("paced", "200")),
              Integer.parseInt(m.getOrDefault("extends", "50")),
              Integer.parseInt(m.getOrDefault("limit-ops", "500")),
              Integer.parseInt(m.getOrDefault("takeovers", "3")),
              Integer.parseInt(m.getOrDefault("session-timeout-ms", "10000")),
              Arrays.asList(m.getOrDefault("jvm", CLVMD_JVM).trim().split("\\s+")),
              m.getOrDefault("log-level", "INFO"),
              Path.of(m.getOrDefault("out", "build-out/bench-cluster.md")),
              m.containsKey("keep"));
      m.keySet()
          .removeAll(
              List.of(
                  "dir",
                  "iterations",
                  "clients",
                  "paced",
                  "extends",
                  "limit-ops",
                  "takeovers",
                  "session-timeout-ms",
                  "jvm",
                  "log-level",
                  "out",
                  "keep"));
      if (!m.isEmpty()) {
        throw new IllegalArgumentException("unknown option(s) " + m.keySet());
      }
      return o;
    }
  }

  /** What the watch saw: commits and applied records, with ZooKeeper's mtimes. */
  static final class Observer implements AutoCloseable {
    record Applied(String node, long seqno, long mtime, int version) {}

    final Map<Long, Long> commitMtime = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Applied> applied = new ConcurrentLinkedQueue<>();
    private final CuratorCache cache;

    Observer(CuratorFramework client, String vgPath) {
      cache = CuratorCache.build(client, vgPath);
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forCreatesAndChanges((before, after) -> seen(after))
                  .build());
      cache.start();
    }

    private void seen(ChildData d) {
      try {
        String path = d.getPath();
        if (path.endsWith("/state")) {
          VgState s = Json.read(d.getData(), VgState.class);
          commitMtime.putIfAbsent(s.seqno(), d.getStat().getMtime());
        } else if (path.contains("/applied/")) {
          AppliedRecord r = Json.read(d.getData(), AppliedRecord.class);
          String node = path.substring(path.lastIndexOf('/') + 1);
          applied.add(
              new Applied(node, r.seqno(), d.getStat().getMtime(), d.getStat().getVersion()));
        }
      } catch (IOException e) {
        // not one of ours
      }
    }

    /**
     * Commit → applied on every one of {@code nodes}, in ms, for the seqnos in [from, to]; and how
     * many applied records the watch missed (a missed record's seqno gets the next record's time,
     * an upper bound).
     */
    Latencies latencies(List<String> nodes, long from, long to) {
      Map<String, List<Applied>> byNode = new TreeMap<>();
      for (Applied a : applied) {
        byNode.computeIfAbsent(a.node(), k -> new ArrayList<>()).add(a);
      }
      int missed = 0;
      for (List<Applied> l : byNode.values()) {
        l.sort((x, y) -> Integer.compare(x.version(), y.version()));
        for (int i = 1; i < l.size(); i++) {
          int gap = l.get(i).version() - l.get(i - 1).version() - 1;
          missed += Math.max(0, gap);
        }
      }
      List<Double> lat = new ArrayList<>();
      for (long s = from; s <= to; s++) {
        Long c = commitMtime.get(s);
        if (c == null) {
          continue;
        }
        long all = Long.MIN_VALUE;
        for (String n : nodes) {
          long first = Long.MAX_VALUE;
          for (Applied a : byNode.getOrDefault(n, List.of())) {
            if (a.seqno() >= s) {
              first = Math.min(first, a.mtime());
            }
          }
          all = Math.max(all, first);
        }
        if (all != Long.MAX_VALUE) {
          lat.add((double) (all - c));
        }
      }
      return new Latencies(lat, missed);
    }

    @Override
    public void close() {
      cache.close();
    }
  }

  record Latencies(List<Double> ms, int missed) {}

  private final Options o;
  private final StringBuilder md = new StringBuilder();
  private final Map<String, Object> json = new LinkedHashMap<>();
  private final AtomicInteger names = new AtomicInteger();

  private ClusterBench(Options o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ClusterBench: " + e.getMessage());
      System.exit(2);
      return;
    }
    ClusterBench b = run(o);
    System.out.print(b.md);
    System.exit(0);
  }

  static ClusterBench run(Options o) throws Exception {
    ClusterBench b = new ClusterBench(o);
    b.runAll();
    Path out = o.out().toAbsolutePath();
    Files.createDirectories(out.getParent());
    Files.writeString(out, b.md);
    String name = out.getFileName().toString().replaceFirst("\\.md$", "") + ".json";
    Files.write(out.resolveSibling(name), Json.write(b.json));
    return b;
  }

  String markdown() {
    return md.toString();
  }

  Map<String, Object> results() {
    return json;
  }

  private void runAll() throws Exception {
    line(
        "Cluster benchmark, %s UTC; %d cores, load average %s; clvmd JVM options %s, log level %s;"
            + " session timeout %d ms; PV files in %s.",
        Instant.now().toString().substring(0, 19),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        String.join(" ", o.jvmOptions()),
        o.logLevel(),
        o.sessionTimeoutMs(),
        o.dir());
    line("");
    try (BenchCluster c =
            new BenchCluster(
                o.dir(),
                3,
                3,
                1L << 30,
                o.sessionTimeoutMs(),
                o.jvmOptions(),
                o.logLevel(),
                o.keep());
        CuratorFramework zk =
            CuratorFrameworkFactory.newClient(c.zk.connectString(), new RetryOneTime(200))) {
      zk.start();
      zk.blockUntilConnected(60, TimeUnit.SECONDS);
      String[] pvs = c.pvs.stream().map(Path::toString).toArray(String[]::new);
      c.ok(1, "pvcreate", pvs);
      List<String> vgcreate = new ArrayList<>(List.of("--shared", "-s", "4m", VG));
      vgcreate.addAll(Arrays.asList(pvs));
      c.ok(1, "vgcreate", vgcreate.toArray(String[]::new));
      String uuid = zk.getChildren().forPath("/clvm/bench/vgs").get(0);
      try (Observer obs = new Observer(zk, "/clvm/bench/vgs/" + uuid)) {
        List<String> nodes = List.of("node1", "node2", "node3");
        // Warm-up: every daemon's JIT, 20 commits each.
        for (int n = 1; n <= 3; n++) {
          for (int i = 0; i < 10; i++) {
            createRemove(c, n);
          }
        }
        throughput(c, obs, nodes);
        paced(c, obs, nodes);
        extendActive(c);
        if (o.logLevel().equalsIgnoreCase("DEBUG")) {
          profile(c);
        }
        memory(c);
        limit(c, zk);
      }
      takeover(c);
    }
  }

  /** Two commits: lvcreate -an of a fresh LV, lvremove of it; returns the two latencies in ms. */
  private double[] createRemove(BenchCluster c, int node) {
    String lv = "t" + names.incrementAndGet();
    long t0 = System.nanoTime();
    c.ok(node, "lvcreate", "-an", "-Zn", "-l", "1", "-n", lv, VG);
    long t1 = System.nanoTime();
    c.ok(node, "lvremove", "-f", VG + "/" + lv);
    long t2 = System.nanoTime();
    return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
  }

  private long seqno(BenchCluster c) {
    String out = c.ok(1, "vgs", "--noheadings", "-o", "vg_seqno", VG).out().trim();
    return Long.parseLong(out);
  }

  private void throughput(BenchCluster c, Observer obs, List<String> nodes) throws Exception {
    line("### Changes and metadata commits per second on one VG");
    line("");
    line(
        "Each client loops `lvcreate -an -Zn -l 1 -n tN %s` + `lvremove -f %s/tN` (two commits)"
            + " %d times over its node's control socket.",
        VG, VG, o.iterations());
    line("");
    line(
        "A *change* is a command that changed the metadata (each lvcreate and each lvremove); a"
            + " *metadata commit* is one seqno increment (one precommit, ZooKeeper commit point and"
            + " disk commit). With group commit (docs/cluster-protocol.md) one commit can carry the"
            + " changes of several commands of a node, so the two rates differ.");
    line("");
    line(
        "| nodes | clients per node | changes | metadata commits | changes per commit | wall s |"
            + " changes/s | commits/s | command p50 ms | p99 ms | max ms | commit → applied on"
            + " 3/3 p50 ms | p99 ms | max ms |");
    line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int nodeCount : List.of(1, 3)) {
      for (int perNode : o.clients()) {
        long s0 = seqno(c);
        ConcurrentLinkedQueue<Double> lat = new ConcurrentLinkedQueue<>();
        int threads = nodeCount * perNode;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        long startedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
          int node = 1 + t % nodeCount;
          fs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < o.iterations(); i++) {
                      for (double d : createRemove(c, node)) {
                        lat.add(d);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        long s1 = seqno(c);
        awaitApplied(obs, nodes, s1);
        Latencies a = obs.latencies(nodes, s0 + 1, s1);
        int changes = threads * o.iterations() * 2;
        long commits = s1 - s0;
        Stats cmd = Stats.of(new ArrayList<>(lat));
        Stats ap = Stats.of(a.ms());
        line(
            "| %d | %d | %d | %d | %.2f | %.1f | **%.0f** | %.0f | %.1f | %.1f | %.1f | %.0f | %.0f"
                + " | %.0f |",
            nodeCount,
            perNode,
            changes,
            commits,
            changes / (double) Math.max(1, commits),
            wall,
            changes / wall,
            commits / wall,
            cmd.p50(),
            cmd.p99(),
            cmd.max(),
            ap.p50(),
            ap.p99(),
            ap.max());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("nodes", nodeCount);
        r.put("clientsPerNode", perNode);
        r.put("changes", changes);
        r.put("commits", commits);
        r.put("seqnos", s1 - s0);
        r.put("wallSeconds", wall);
        // Wall clock of the run, to cut per-thread CPU samples or a JFR recording to this row.
        r.put("startedAtMs", startedAt);
        r.put("endedAtMs", startedAt + Math.round(wall * 1000));
        r.put("changesPerSecond", changes / wall);
        r.put("commitsPerSecond", commits / wall);
        r.put("commandMs", cmd.map());
        r.put("appliedMs", ap.map());
        r.put("appliedRecordsMissedByWatch", a.missed());
        rows.add(r);
      }
    }
    json.put("throughput", rows);
    line("");
  }

  private static void awaitApplied(Observer obs, List<String> nodes, long seqno)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Map<String, Long> max = new TreeMap<>();
      for (Observer.Applied a : obs.applied) {
        max.merge(a.node(), a.seqno(), Math::max);
      }
      if (nodes.stream().allMatch(n -> max.getOrDefault(n, -1L) >= seqno)) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private void paced(BenchCluster c, Observer obs, List<String> nodes) throws Exception {
    long s0 = seqno(c);
    List<Double> cmd = new ArrayList<>();
    for (int i = 0; i < o.paced() / 2; i++) {
      for (double d : createRemove(c, 1 + i % 3)) {
        cmd.add(d);
      }
      Thread.sleep(10 + ThreadLocalRandom.current().nextInt(20));
    }
    long s1 = seqno(c);
    awaitApplied(obs, nodes, s1);
    Latencies a = obs.latencies(nodes, s0 + 1, s1);
    Stats ap = Stats.of(a.ms());
    Stats cs = Stats.of(cmd);
    line("### Commit → applied on every node, one commit at a time");
    line("");
    line(
        "%d commits (lvcreate/lvremove pairs from node 1, 2, 3 in turn, 10–30 ms apart). Commit"
            + " point = the mtime ZooKeeper gives the `state` znode in the commit's multi; applied ="
            + " the mtime of each node's `applied/<node>` record (same server clock); the watch"
            + " missed %d records.",
        cs.n(), a.missed());
    line("");
    line("| | n | p50 ms | p90 ms | p99 ms | max ms |");
    line("|---|---:|---:|---:|---:|---:|");
    line(
        "| commit → applied on 3/3 nodes | %d | %.0f | %.0f | **%.0f** | %.0f |",
        ap.n(), ap.p50(), ap.p90(), ap.p99(), ap.max());
    line(
        "| command (socket round trip) | %d | %.1f | %.1f | %.1f | %.1f |",
        cs.n(), cs.p50(), cs.p90(), cs.p99(), cs.max());
    line("");
    json.put("pacedAppliedMs", ap.map());
    json.put("pacedCommandMs", cs.map());
  }

  private void extendActive(BenchCluster c) {
    c.ok(1, "lvcreate", "-an", "-Zn", "-l", "1", "-n", "ext", VG);
    for (int n = 1; n <= 3; n++) {
      c.ok(n, "lvchange", "-asy", VG + "/ext");
    }
    List<Double> lat = new ArrayList<>();
    int all = 0;
    for (int i = 0; i < o.extends_(); i++) {
      long t0 = System.nanoTime();
      CliResult r = c.ok(1 + i % 3, "lvextend", "-l", "+1", VG + "/ext");
      lat.add((System.nanoTime() - t0) / 1e6);
      if (r.out().contains("applied on 3/3 nodes") || r.err().contains("applied on 3/3 nodes")) {
        all++;
      }
    }
    Stats s = Stats.of(lat);
    line("### lvextend of an LV active (shared) on all three nodes");
    line("");
    line(
        "`lvextend -l +1 %s/ext` from node 1, 2, 3 in turn; the command returns after every node has"
            + " reloaded the table (%d of %d said `applied on 3/3 nodes`).",
        VG, all, lat.size());
    line("");
    line("| n | p50 ms | p90 ms | p99 ms | max ms |");
    line("|---:|---:|---:|---:|---:|");
    line("| %d | %.1f | %.1f | %.1f | %.1f |", s.n(), s.p50(), s.p90(), s.p99(), s.max());
    line("");
    json.put("extendActiveOn3Ms", s.map());
    json.put("extendAppliedOn3of3", all);
    for (int n = 1; n <= 3; n++) {
      c.ok(n, "lvchange", "-an", VG + "/ext");
    }
  }

  private static final Pattern GROUP = Pattern.compile("^VG \\S+: GROUP (\\d+)$");

  private static final Pattern STEP =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (\\w+) +\\[([^\\]]+)\\] (\\S+) - (.*)$");

  /** With DEBUG logs: mean time per step of the commit protocol, from the daemons' logs. */
  private void profile(BenchCluster c) throws IOException {
    Map<String, List<Double>> steps = new LinkedHashMap<>();
    List<Double> held = new ArrayList<>();
    Map<Integer, Integer> groups = new TreeMap<>();
    for (int n = 1; n <= 3; n++) {
      Map<String, Long> lastByThread = new TreeMap<>();
      Map<String, Long> lockedByThread = new TreeMap<>();
      Map<String, Long> heldSoFar = new TreeMap<>();
      for (String l : Files.readAllLines(c.log(n))) {
        Matcher m = STEP.matcher(l);
        if (!m.matches()) {
          continue;
        }
        long t = LocalTime.parse(m.group(1)).toNanoOfDay() / 1_000_000;
        String thread = m.group(3);
        String msg = m.group(5);
        String step;
        Matcher g = GROUP.matcher(msg);
        if (g.matches()) {
          groups.merge(Integer.parseInt(g.group(1)), 1, Integer::sum);
          continue;
        }
        if (msg.startsWith("root runs ") || msg.matches("\\S+ runs .*")) {
          lastByThread.put(thread, t);
          continue;
        } else if ((m.group(4).endsWith("CommitProtocol")
                || m.group(4).endsWith("Coordinator")
                || m.group(4).endsWith("VgHold"))
            && msg.matches("VG \\S+: [A-Z_]+")) {
          step = msg.substring(msg.lastIndexOf(' ') + 1);
        } else {
          continue;
        }
        // VgHold's LOCKED/UNLOCKED: how long one command holds the VG (this node's share of its
        // lock). A group member steps aside (DEFERRED) while its group commits and comes back
        // (RELOCKED) only if the rest of its command needs the lock: its stretches add up, and a
        // member that never came back ends its sample at DEFERRED.
        if (step.equals("LOCKED")) {
          Long open = heldSoFar.remove(thread);
          if (open != null) {
            held.add((double) open);
          }
          lockedByThread.put(thread, t);
        } else if (step.equals("RELOCKED")) {
          lockedByThread.put(thread, t);
        } else if (step.equals("DEFERRED") && lockedByThread.containsKey(thread)) {
          heldSoFar.merge(thread, t - lockedByThread.remove(thread), Long::sum);
        } else if (step.equals("UNLOCKED") && lockedByThread.containsKey(thread)) {
          long before = Optional.ofNullable(heldSoFar.remove(thread)).orElse(0L);
          held.add((double) (t - lockedByThread.remove(thread) + before));
        }
        Long last = lastByThread.put(thread, t);
        if (last != null) {
          steps.computeIfAbsent(step, k -> new ArrayList<>()).add((double) (t - last));
        }
      }
      heldSoFar.values().forEach(v -> held.add((double) v)); // members that never came back
    }
    line("### Where a commit's time goes (DEBUG step log lines of all daemons, all runs above)");
    line("");
    line("| step (time since the previous one) | n | mean ms | p50 ms | p99 ms |");
    line("|---|---:|---:|---:|---:|");
    Map<String, Object> j = new LinkedHashMap<>();
    for (var e : steps.entrySet()) {
      Stats s = Stats.of(e.getValue());
      String label =
          switch (e.getKey()) {
            case "LOCKED" -> "LOCKED (from the request: VG name look-up, lock wait)";
            case "LOCK" ->
                steps.containsKey("LOCKED")
                    ? "LOCK (repair check, device scan, parse, allocation, print)"
                    : "LOCK (from the request: lock wait, device scan, parse, allocation)";
            case "UNLOCKED" -> "UNLOCKED (rest of the command under the lock, release)";
            case "PROPAGATE" -> "PROPAGATE (archive, backup, propagation wait)";
            default -> e.getKey();
          };
      line("| %s | %d | %.2f | %.0f | %.0f |", label, s.n(), s.mean(), s.p50(), s.p99());
      j.put(e.getKey(), s.map());
    }
    line("");
    if (!held.isEmpty()) {
      Stats h = Stats.of(held);
      line(
          "VG held per command (LOCKED to UNLOCKED, without a group member's wait for its group):"
              + " n %d, mean %.2f ms, p50 %.0f ms, p99 %.0f ms; one VG can take at most 1000 /"
              + " mean = %.0f commands/s.",
          h.n(), h.mean(), h.p50(), h.p99(), 1000 / Math.max(h.mean(), 0.001));
      line("");
      j.put("lockHeld", h.map());
    }
    if (!groups.isEmpty()) {
      int commits = groups.values().stream().mapToInt(Integer::intValue).sum();
      int changes = groups.entrySet().stream().mapToInt(e -> e.getKey() * e.getValue()).sum();
      line(
          "Changes per metadata commit (the daemons' `GROUP n` lines, all runs above): %d commits"
              + " carried %d changes, %.2f per commit.",
          commits, changes, changes / (double) commits);
      line("");
      line("| changes in the commit | commits | changes |");
      line("|---:|---:|---:|");
      for (var e : groups.entrySet()) {
        line("| %d | %d | %d |", e.getKey(), e.getValue(), e.getKey() * e.getValue());
      }
      line("");
      Map<String, Object> gj = new LinkedHashMap<>();
      groups.forEach((k, v) -> gj.put(String.valueOf(k), v));
      j.put("groupSizes", gj);
    }
    json.put("commitSteps", j);
  }

  private void memory(BenchCluster c) throws IOException {
    Map<String, Object> j = new LinkedHashMap<>();
    StringBuilder sb = new StringBuilder();
    for (int n = 1; n <= 3; n++) {
      for (String l : Files.readAllLines(Path.of("/proc/" + c.pid(n) + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          j.put("node" + n + "RssMiB", kb / 1024.0);
          sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.0f MiB", kb / 1024.0));
        }
      }
    }
    line("Daemons' resident memory after these runs: %s.", sb);
    line("");
    json.put("memory", j);
  }

  private void limit(BenchCluster c, CuratorFramework zk) throws Exception {
    Path f = c.dir.resolve("fsync-clvmtest.img");
    int ops = o.limitOps();
    Stats direct = fsyncBench(f, ops, true);
    Stats buffered = fsyncBench(f, ops, false);
    String base = "/bench-limit";
    zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(base + "/a");
    zk.create().forPath(base + "/b");
    byte[] small = new byte[120];
    byte[] blob = new byte[4096];
    ThreadLocalRandom.current().nextBytes(blob);
    List<Double> set = new ArrayList<>();
    List<Double> multi = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      long t0 = System.nanoTime();
      zk.setData().forPath(base + "/a", small);
      long t1 = System.nanoTime();
      Stat st = zk.checkExists().forPath(base + "/a");
      long t2 = System.nanoTime();
      zk.transaction()
          .forOperations(
              zk.transactionOp().setData().withVersion(st.getVersion()).forPath(base + "/a", small),
              zk.transactionOp().setData().forPath(base + "/b", blob));
      long t3 = System.nanoTime();
      set.add((t1 - t0) / 1e6);
      multi.add((t3 - t2) / 1e6);
    }
    Stats zset = Stats.of(set);
    Stats zmulti = Stats.of(multi);
    line("### The limit: storage fsync and ZooKeeper writes on this machine");
    line("");
    line("%d operations each, one at a time.", ops);
    line("");
    line("| operation | p50 ms | p90 ms | p99 ms | mean ms |");
    line("|---|---:|---:|---:|---:|");
    row("4 KiB pwrite O_DIRECT + fdatasync (PV files' file system)", direct);
    row("4 KiB pwrite through the page cache + fdatasync", buffered);
    row("ZooKeeper setData, 120 B (embedded server, txn log fsynced)", zset);
    row("ZooKeeper multi: versioned setData 120 B + setData 4 KiB", zmulti);
    line("");
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("fsyncDirect4k", direct.map());
    j.put("fsyncBuffered4k", buffered.map());
    j.put("zkSetData", zset.map());
    j.put("zkMulti", zmulti.map());
    json.put("limit", j);
    Files.deleteIfExists(f);
  }

  private void row(String label, Stats s) {
    line("| %s | %.2f | %.2f | %.2f | %.2f |", label, s.p50(), s.p90(), s.p99(), s.mean());
  }

  private static Stats fsyncBench(Path f, int ops, boolean direct) throws IOException {
    List<StandardOpenOption> opts =
        List.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    List<java.nio.file.OpenOption> all = new ArrayList<>(opts);
    if (direct) {
      all.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
    }
    List<Double> lat = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(f, all.toArray(java.nio.file.OpenOption[]::new))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096);
      buf.limit(4096);
      int slots = 256; // a 1 MiB region, like a metadata area
      for (int i = 0; i < ops; i++) {
        buf.clear().limit(4096);
        buf.putLong(0, i);
        long t0 = System.nanoTime();
        long pos = (long) (i % slots) * 4096;
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
        ch.force(false);
        lat.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return Stats.of(lat);
  }

  private void takeover(BenchCluster c) throws Exception {
    if (o.takeovers() <= 0) {
      return;
    }
    c.ok(1, "lvcreate", "-an", "-Zn", "-l", "1", "-n", "tk", VG);
    List<Double> times = new ArrayList<>();
    int victim = 3;
    int taker = 2;
    for (int r = 0; r < o.takeovers(); r++) {
      c.ok(victim, "lvchange", "-aey", VG + "/tk");
      CliResult refused = c.run(taker, "lvchange", "-aey", VG + "/tk");
      if (refused.ok()) {
        throw new IllegalStateException("exclusive activation on two nodes: " + refused);
      }
      c.kill(victim);
      long t0 = System.nanoTime();
      int attempts = 0;
      while (true) {
        attempts++;
        if (c.run(taker, "lvchange", "-aey", VG + "/tk").ok()) {
          break;
        }
        if (System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(10L * o.sessionTimeoutMs())) {
          throw new IllegalStateException("no takeover within 10 session timeouts");
        }
        Thread.sleep(50);
      }
      times.add((System.nanoTime() - t0) / 1e6);
      c.ok(taker, "lvchange", "-an", VG + "/tk");
      c.start(victim);
      c.awaitSocket(victim);
      if (attempts < 2) {
        throw new IllegalStateException("the first retry already succeeded: no takeover measured");
      }
    }
    Stats s = Stats.of(times);
    line("### Takeover of an exclusive LV after its node's death");
    line("");
    line(
        "node%d holds `%s/tk` exclusively and is killed (SIGKILL); node%d retries `lvchange -aey`"
            + " every 50 ms. Session timeout %d ms; target ≤ 1.5 × = %d ms.",
        victim, VG, taker, o.sessionTimeoutMs(), o.sessionTimeoutMs() * 3 / 2);
    line("");
    line("| runs | p50 ms | min ms | max ms | max / session timeout |");
    line("|---:|---:|---:|---:|---:|");
    line(
        "| %d | %.0f | %.0f | %.0f | **%.2f** |",
        s.n(), s.p50(), s.min(), s.max(), s.max() / o.sessionTimeoutMs());
    line("");
    Map<String, Object> j = new LinkedHashMap<>(s.map());
    j.put("sessionTimeoutMs", o.sessionTimeoutMs());
    j.put("runs", times);
    json.put("takeoverMs", j);
  }

  private void line(String fmt, Object... args) {
    md.append(args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args)).append('\n');
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** Percentiles (nearest rank) of a sample. */
  record Stats(int n, double min, double p50, double p90, double p99, double max, double mean) {
    static Stats of(List<Double> xs) {
      if (xs.isEmpty()) {
        return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      List<Double> s = new ArrayList<>(xs);
      Collections.sort(s);
      double sum = 0;
      for (double x : s) {
        sum += x;
      }
      return new Stats(
          s.size(),
          s.get(0),
          rank(s, 50),
          rank(s, 90),
          rank(s, 99),
          s.get(s.size() - 1),
          sum / s.size());
    }

    private static double rank(List<Double> s, int p) {
      int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
      return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    Map<String, Object> map() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("n", n);
      m.put("min", min);
      m.put("p50", p50);
      m.put("p90", p90);
      m.put("p99", p99);
      m.put("max", max);
      m.put("mean", mean);
      return m;
    }
  }
}
