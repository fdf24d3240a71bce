package io.clvm.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.lvm.LvDevice;
import io.clvm.dm.lvm.LvmTables;
import io.clvm.dm.lvm.PvDevices;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.VolumeGroup;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import io.clvm.testing.net.TcpProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * issue 7: the randomized fault-injection run with its safety checker. Three clvmd processes, three
 * ZooKeeper servers, one VG on three shared PV files; six workers issue random LV operations
 * through random nodes while {@link Faults} kills, halts at commit steps, pauses, partitions and
 * expires daemons, stops ZooKeeper servers (and quorum) and corrupts a metadata area. {@link
 * SafetyChecker} watches every committed VG it can see; at the end, with the faults healed, the
 * final metadata must hold every acknowledged change, every copy must agree, every node's tables
 * must match the committed metadata, and clvm's vgck (and lvm2's, with {@code @RequiresLvm2}) must
 * pass.
 *
 * <p>Sizes: {@code -Dclvm.fault.ops=N} (default 240, the CI-sized run), {@code -Dclvm.fault.seed=S}
 * replays a schedule (the seed is printed first), {@code -Dclvm.fault.every=N} the mean number of
 * operations between faults (default 12), {@code -Dclvm.fault.maxMinutes=M} stops the workload
 * after M minutes too. The long run is {@code scripts/fault-long.sh} (docs/fault-injection.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {
  /** The workload's and the fault schedule's LV names (w<worker>s<slot>g<gen>, f<node>g<gen>). */
  private static final Pattern LV_NAME =
      Pattern.compile("\\b(?:w\\d+s\\d+g\\d+|f\\d+g\\d+|finalg\\d+)\\b");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WORKERS = 6;
  private static final int SLOTS_PER_WORKER = 3;
  private static final int SESSION_TIMEOUT_MS = 6000;

  // A fixed schedule for the CI-sized run, so that a build fails or passes for the code's sake
  // (the threads' interleaving is still the machine's); new schedules are the long run's job, and
  // -Dclvm.fault.seed=0 asks for a fresh one here.
  private final long seed = chooseSeed(Long.getLong("clvm.fault.seed", 213_502L));

  private static long chooseSeed(long asked) {
    return asked != 0 ? asked : 1 + System.currentTimeMillis() % 999_999;
  }

  private final int ops = Integer.getInteger("clvm.fault.ops", 240);
  private final int every = Integer.getInteger("clvm.fault.every", 12);
  // The long run may be bounded in time as well: the workload stops at whichever comes first.
  private final long maxMinutes = Long.getLong("clvm.fault.maxMinutes", 0);

  private FaultCluster cluster;
  private History history;
  private SafetyChecker checker;
  private Workload workload;
  private Faults faults;
  private String report = "";
  private boolean failed;

  @BeforeAll
  void start() throws Exception {
    System.out.println(
        "fault-injection: seed="
            + seed
            + " ops="
            + ops
            + " (replay: -Dclvm.fault.seed="
            + seed
            + ")");
    cluster = new FaultCluster(256L << 20, SESSION_TIMEOUT_MS);
    history = new History();
    checker = new SafetyChecker(history, cluster.observer(), cluster.pvs);
    List<String> args = new ArrayList<>(List.of("pvcreate"));
    cluster.pvs.forEach(p -> args.add(p.toString()));
    cluster.ok(1, args.toArray(new String[0]));
    List<String> vg = new ArrayList<>(List.of("vgcreate", "--shared", Workload.VG));
    cluster.pvs.forEach(p -> vg.add(p.toString()));
    cluster.ok(1, vg.toArray(new String[0]));
    List<String> uuids = cluster.observer().getChildren().forPath(FaultCluster.ROOT + "/vgs");
    assertEquals(1, uuids.size(), uuids.toString());
    checker.vgUuid(uuids.get(0));
    workload = new Workload(cluster, history, checker, seed);
    faults = new Faults(cluster, history, workload, checker, seed);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      if (failed || (checker != null && !checker.violations().isEmpty())) {
        // the daemons' logs outlive the run's directory when something was found
        Path keep = Path.of("target", "fault-logs-" + seed);
        Files.createDirectories(keep);
        for (int n = 1; n <= FaultCluster.NODES; n++) {
          if (Files.exists(cluster.log(n))) {
            Files.copy(
                cluster.log(n),
                keep.resolve("node" + n + ".log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
        System.out.println("daemon logs kept in " + keep.toAbsolutePath());
      }
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void randomFaultsBreakNoInvariant() throws Exception {
    try {
      run();
    } catch (Exception | AssertionError e) {
      failed = true;
      throw e;
    }
  }

  private void run() throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 2);
    List<Future<?>> work = new ArrayList<>();
    Future<?> sampler = pool.submit(this::sample);
    for (int w = 0; w < WORKERS; w++) {
      int id = w;
      work.add(
          pool.submit(
              () -> {
                workload.worker(id, SLOTS_PER_WORKER, ops);
                return null;
              }));
    }
    Future<?> faulting =
        pool.submit(
            () -> {
              faults.run(ops, Math.max(2, every / 2), every * 3 / 2);
              return null;
            });
    try {
      faulting.get();
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      workload.stop.set(true);
      sampler.get();
      pool.shutdownNow();
    }
    try {
      heal();
      finalChecks();
    } catch (AssertionError | RuntimeException e) {
      checker.violation("at rest, after the faults: " + e);
    }
    report =
        String.format(
            "fault-injection: seed=%d, %d operations (%d acknowledged, %d refused, %d failed"
                + " ambiguously) in %d s; faults injected: %d %s; fail points: %s%n%s",
            seed,
            workload.done.get(),
            workload.acknowledged.get(),
            workload.refused.get(),
            workload.ambiguous.get(),
            (System.nanoTime() - t0) / 1_000_000_000L,
            faults.injected.values().stream().mapToInt(Integer::intValue).sum(),
            faults.injected,
            faults.failAtOutcomes,
            checker.summary());
    System.out.println(report);
    System.out.println("faults:\n" + history.faults());
    System.out.println("history:\n" + history.around(0, Long.MAX_VALUE / 2, Integer.MAX_VALUE));
    List<SafetyChecker.Violation> v = checker.violations();
    assertTrue(
        v.isEmpty(),
        () ->
            "seed "
                + seed
                + " (replay: -Dclvm.fault.seed="
                + seed
                + "): "
                + v.size()
                + " violations\n"
                + String.join("\n", v.stream().map(Object::toString).toList())
                + "\n"
                + traces(v)
                + report
                + "\nlogs:\n"
                + logs());
  }

  /**
   * For each LV a violation names: every operation on it and the daemons' log lines about it, so a
   * failure seen only in CI's output can be diagnosed from that output alone.
   */
  private String traces(List<SafetyChecker.Violation> v) {
    Set<String> names = new TreeSet<>();
    Matcher m = LV_NAME.matcher(String.join("\n", v.stream().map(x -> x.what()).toList()));
    while (m.find()) {
      names.add(m.group());
    }
    StringBuilder b = new StringBuilder();
    for (String name : names) {
      b.append("operations on ").append(name).append(":\n").append(history.mentioning(name));
      for (int n = 1; n <= FaultCluster.NODES; n++) {
        List<String> lines;
        try {
          lines =
              Files.readAllLines(cluster.log(n)).stream()
                  .filter(l -> l.matches(".*\\b" + name + "\\b.*"))
                  .toList();
        } catch (IOException e) {
          lines = List.of("(no log: " + e.getMessage() + ")");
        }
        b.append("node").append(n).append(" log lines about ").append(name).append(":\n");
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> b.append("    ").append(l).append('\n'));
      }
    }
    return b.toString();
  }

  private String logs() {
    StringBuilder b = new StringBuilder();
    for (int n = 1; n <= FaultCluster.NODES; n++) {
      b.append("--- node")
          .append(n)
          .append(" log tail\n")
          .append(io.clvm.testing.cluster.LogTail.of(cluster.log(n), 40))
          .append('\n');
    }
    return b.toString();
  }

  /** The sampler: disks, copy of record and activations, until the workload stops. */
  private Void sample() throws Exception {
    int reported = 0;
    long deadline = maxMinutes > 0 ? history.now() + maxMinutes * 60_000 : Long.MAX_VALUE;
    while (!workload.stop.get()) {
      sampleOnce(false);
      if (history.now() > deadline) {
        System.out.println("progress: time bound of " + maxMinutes + " min reached, stopping");
        workload.stop.set(true);
      }
      int done = workload.done.get();
      if (done / 500 > reported / 500) {
        reported = done;
        System.out.printf(
            "progress: %d operations, %d faults %s, %d violations so far (%d s)%n",
            done,
            faults.injected.values().stream().mapToInt(Integer::intValue).sum(),
            faults.injected,
            checker.violations().size(),
            history.now() / 1000);
        System.out.flush();
      }
      Faults.waitFor(Duration.ofMillis(200), workload.stop::get);
    }
    return null;
  }

  private void sampleOnce(boolean quiescent) throws Exception {
    SafetyChecker.DiskRead disks = checker.readDisks();
    SafetyChecker.Committed zk = checker.tryReadZk();
    if (zk != null) {
      checker.disks(disks, zk, quiescent);
    }
    try {
      checker.activations(checker.readActivations());
    } catch (Exception e) {
      // ZooKeeper unavailable now (quorum lost): no sample
    }
  }

  /**
   * After the faults: every daemon up, every server up, every session current. "Current" is the
   * session of the clvmd running now, as it reports itself: a clvmd killed and started again takes
   * over the {@code nodes/<id>} znode its previous process left (Curator's PersistentNode), so that
   * znode's owner alone would pass the previous process's session, and its activations of devices
   * the new process never had, for current (the CI failure of seed 213502 after a kill -9 of
   * node1).
   */
  private void heal() throws Exception {
    for (int n = 1; n <= FaultCluster.NODES; n++) {
      cluster.proxy(n).mode(TcpProxy.Mode.PASS);
      cluster.startZk(n);
    }
    for (int n = 1; n <= FaultCluster.NODES; n++) {
      if (!cluster.alive(n)) {
        cluster.extraConfig(n, "");
        cluster.start(n);
      }
      cluster.awaitUp(n);
    }
    Await.until(
        "every node registered and no activation of an old session left",
        Duration.ofSeconds(180),
        () -> {
          Set<Long> sessions = new HashSet<>();
          for (int n = 1; n <= FaultCluster.NODES; n++) {
            long s = cluster.session(n);
            if (s == 0 || s != daemonSession(n)) {
              return false;
            }
            sessions.add(s);
          }
          try {
            for (var lv : checker.readActivations().values()) {
              for (var a : lv.values()) {
                if (!sessions.contains(a.session())) {
                  return false;
                }
              }
            }
            return true;
          } catch (Exception e) {
            return false;
          }
        });
  }

  /** The ZooKeeper session {@code node}'s clvmd has now, as its cluster status says; 0 if none. */
  private long daemonSession(int node) {
    CliResult st = cluster.run(node, "cluster", "status", "--reportformat", "json");
    if (!st.ok()) {
      return 0;
    }
    try {
      String hex = JSON.readTree(st.out()).path("cluster").path("session").asText("0x0");
      return Long.parseUnsignedLong(hex.substring(2), 16);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private void finalChecks() throws Exception {
    // A last write rolls the disks forward if a committer died between the commit point and the
    // disk commit; at rest it must succeed.
    Workload.Slot last = new Workload.Slot("final");
    synchronized (workload.slots) {
      workload.slots.add(last);
    }
    CliResult r =
        Await.value(
            "a write to succeed once the faults are healed",
            Duration.ofSeconds(180),
            () -> {
              History.Entry e = history.begin("final", 1, "lvcreate -an -l 1 -n finalg0 vg");
              CliResult x =
                  cluster.run(1, "lvcreate", "-an", "-l", "1", "-n", "finalg0", Workload.VG);
              history.end(e, x.exit(), x.toString());
              return x.ok() || x.err().contains("already exists") ? x : null;
            });
    last.exists = true;
    last.extents = 1;
    assertTrue(r.exit() == 0 || r.err().contains("already exists"), r.toString());

    SafetyChecker.Committed zk = checker.readZk();
    sampleOnce(true);
    SafetyChecker.DiskRead disks = checker.readDisks();
    for (var c : disks.copies()) {
      if (c.seqno() != zk.seqno()) {
        checker.violation("at rest, " + c + " is not at ZooKeeper's seqno " + zk.seqno());
      }
    }
    if (disks.copies().size() < cluster.pvs.size()) {
      checker.violation(
          "at rest, only "
              + disks.copies().size()
              + " readable metadata copies: "
              + disks.problems());
    }
    // No acknowledged change lost, nothing else there.
    VolumeGroup vg = zk.vg();
    Set<String> expected = new TreeSet<>();
    synchronized (workload.slots) {
      for (Workload.Slot s : workload.slots) {
        Workload.Slot seen = Workload.observe(vg, s);
        if (seen == null || !seen.sameAs(s)) {
          checker.violation(
              "final metadata (seqno " + zk.seqno() + "): slot expected " + s + ", found " + seen);
        }
        if (s.exists) {
          expected.add(s.name());
        }
      }
    }
    Set<String> actual = new TreeSet<>();
    vg.lvs().forEach(lv -> actual.add(lv.name()));
    if (!expected.equals(actual)) {
      checker.violation("final LVs " + actual + ", expected " + expected);
    }
    checkTables(vg);
    for (int n = 1; n <= FaultCluster.NODES; n++) {
      CliResult ck = cluster.run(n, "vgck", Workload.VG);
      if (!ck.ok() || !ck.err().isBlank()) {
        checker.violation("clvm vgck on node" + n + ": " + ck);
      }
    }
  }

  /**
   * Every node's device-mapper (as its {@code cluster status} shows it) against the committed
   * metadata: each LV the node has active (its activation znode, current session) has a device with
   * the table the committed VG gives it; any other device this node has is fenced (an {@code error}
   * table), never a live mapping.
   */
  private void checkTables(VolumeGroup vg) throws Exception {
    Map<String, Map<String, SafetyChecker.Active>> active = checker.readActivations();
    for (int n = 1; n <= FaultCluster.NODES; n++) {
      String node = "node" + n;
      CliResult st = cluster.run(n, "cluster", "status", "--reportformat", "json");
      if (!st.ok()) {
        checker.violation(node + ": cluster status failed at rest: " + st);
        continue;
      }
      JsonNode cl = JSON.readTree(st.out()).path("cluster");
      Map<LvmUuid, DeviceNumber> pvMap = new HashMap<>();
      cl.path("pv_devices_here")
          .properties()
          .forEach(
              f -> {
                String[] mm = f.getValue().asText().split(":");
                pvMap.put(
                    LvmUuid.parse(f.getKey()),
                    new DeviceNumber(Integer.parseInt(mm[0]), Integer.parseInt(mm[1])));
              });
      Map<String, String[]> devices = new HashMap<>();
      for (JsonNode d : cl.path("devices_here")) {
        devices.put(
            d.path("name").asText(),
            new String[] {d.path("uuid").asText(), d.path("table").asText()});
      }
      String prefix = "f" + n + "-";
      Set<String> expectedNames = new HashSet<>();
      for (LogicalVolume lv : vg.lvs()) {
        Map<String, SafetyChecker.Active> on = active.get(lv.id().dashed());
        if (on == null || !on.containsKey(node)) {
          continue;
        }
        LvDevice want = LvmTables.device(vg, lv, PvDevices.of(pvMap));
        String name = prefix + want.name().value();
        expectedNames.add(name);
        String[] have = devices.get(name);
        if (have == null) {
          checker.violation(
              node
                  + " has "
                  + lv.name()
                  + " active ("
                  + on.get(node).mode()
                  + ") but no device "
                  + name
                  + "; devices: "
                  + devices.keySet());
        } else if (!have[1].equals(want.table().toString())) {
          checker.violation(
              node
                  + ": table of "
                  + name
                  + " is\n"
                  + have[1]
                  + "but the committed seqno "
                  + vg.seqno()
                  + " gives\n"
                  + want.table());
        }
      }
      for (var d : devices.entrySet()) {
        if (expectedNames.contains(d.getKey())) {
          continue;
        }
        boolean fenced =
            !d.getValue()[1].isBlank()
                && d.getValue()[1]
                    .lines()
                    .allMatch(l -> l.split(" ").length > 2 && l.split(" ")[2].equals("error"));
        if (!fenced) {
          checker.violation(
              node
                  + " has device "
                  + d.getKey()
                  + " (table "
                  + d.getValue()[1].strip()
                  + ") that no activation of it in the committed VG explains");
        }
      }
    }
  }

  @Test
  @Order(2)
  @RequiresLvm2
  void finalDisksPassLvm2Vgck() throws Exception {
    // vgck refuses a dlm VG without lvmlockd: on copies, lvm2 itself takes the VG out of cluster
    // management (parsing and rewriting our metadata), then checks it.
    List<Path> copies = new ArrayList<>();
    List<TestLoopDevice> loops = new ArrayList<>();
    try {
      for (Path pv : cluster.pvs) {
        Path copy =
            pv.resolveSibling(pv.getFileName().toString().replace("-clvmtest", "-copy-clvmtest"));
        Files.copy(pv, copy);
        copies.add(copy);
        loops.add(TestLoopDevice.attach(copy, 512));
      }
      try (Lvm2Oracle lvm =
          Lvm2Oracle.forDevices(loops.stream().map(TestLoopDevice::device).toList())) {
        Lvm2Oracle.Result unlock =
            lvm.run("vgchange", "--lock-type", "none", "--lock-opt", "force", "-y", Workload.VG);
        assertTrue(unlock.ok(), unlock.toString());
        Lvm2Oracle.Result vgck = lvm.run("vgck", Workload.VG);
        assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
      }
    } finally {
      loops.forEach(TestLoopDevice::close);
      for (Path c : copies) {
        Files.deleteIfExists(c);
      }
    }
  }
}
