package io.clvm.it.fault;

import io.clvm.cluster.commit.CommitStep;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import io.clvm.testing.net.TcpProxy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The fault schedule: from a seeded RNG, after every few operations of the workload, one fault from
 * a shuffled deck of every kind (so that a short run still meets each kind), then the repair
 * (restart, reconnect, restore quorum). The fail-point faults walk the commit steps in order.
 */
final class Faults {
  enum Kind {
    /** kill -9 of a daemon wherever it is, then a restart. */
    KILL,
    /** A restart with {@code testing.failAt = STEP}, {@code failMode = halt}: a crash at STEP. */
    FAIL_AT,
    /** One ZooKeeper server stopped and restarted (quorum kept). */
    ZK_ONE,
    /** Two of three ZooKeeper servers stopped (quorum lost), then restarted. */
    ZK_QUORUM,
    /** A daemon's ZooKeeper traffic black-holed until its session expires, then healed. */
    EXPIRE,
    /** SIGSTOP of a daemon past its session timeout, then SIGCONT: the stale writer. */
    PAUSE,
    /** A daemon's ZooKeeper connections reset and refused for a while (below the timeout). */
    CUT,
    /** Bytes of one metadata area's committed text overwritten on the disk. */
    CORRUPT
  }

  private final FaultCluster cluster;
  private final History history;
  private final Workload workload;
  private final SafetyChecker checker;
  private final Random rnd;
  private final List<Kind> deck = new ArrayList<>();
  private int nextStep;
  private int faultSlot;
  private final List<Workload.Slot> faultSlots = new ArrayList<>();
  final Map<Kind, Integer> injected = new EnumMap<>(Kind.class);
  final List<String> failAtOutcomes = new ArrayList<>();

  Faults(
      FaultCluster cluster, History history, Workload workload, SafetyChecker checker, long seed) {
    this.cluster = cluster;
    this.checker = checker;
    this.history = history;
    this.workload = workload;
    this.rnd = new Random(seed ^ 0x5DEECE66DL);
  }

  /**
   * Injects faults every {@code minGap..maxGap} operations until the workload reaches {@code ops}.
   */
  void run(int ops, int minGap, int maxGap) throws Exception {
    int next = minGap + rnd.nextInt(maxGap - minGap + 1);
    while (true) {
      int at = next;
      Await.until(
          "the workload to reach operation " + at,
          Duration.ofMinutes(30),
          () -> workload.done.get() >= at || workload.stop.get() || workload.done.get() >= ops);
      if (workload.stop.get() || workload.done.get() >= ops) {
        return;
      }
      inject(nextKind());
      next = workload.done.get() + minGap + rnd.nextInt(maxGap - minGap + 1);
    }
  }

  private Kind nextKind() {
    if (deck.isEmpty()) {
      deck.addAll(List.of(Kind.values()));
      deck.add(Kind.FAIL_AT); // nine commit steps to walk: fail points come twice as often
      deck.add(Kind.KILL);
      Collections.shuffle(deck, rnd);
    }
    return deck.remove(deck.size() - 1);
  }

  void inject(Kind kind) throws Exception {
    int node = 1 + rnd.nextInt(FaultCluster.NODES);
    injected.merge(kind, 1, Integer::sum);
    switch (kind) {
      case KILL -> {
        History.Entry e = history.begin("fault", node, "kill -9 clvmd");
        cluster.kill(node);
        cluster.start(node);
        cluster.awaitUp(node);
        history.endFault(e, "restarted");
      }
      case FAIL_AT -> failAt(node, CommitStep.values()[nextStep++ % CommitStep.values().length]);
      case ZK_ONE -> {
        int server = 1 + rnd.nextInt(FaultCluster.NODES);
        History.Entry e = history.begin("fault", 0, "stop ZooKeeper server " + server);
        cluster.stopZk(server);
        int from = workload.done.get();
        boolean progressed = waitFor(Duration.ofSeconds(60), () -> workload.done.get() >= from + 3);
        cluster.startZk(server);
        history.endFault(
            e,
            "restarted (" + (progressed ? "3 operations went on meanwhile" : "no progress") + ")");
      }
      case ZK_QUORUM -> {
        int a = 1 + rnd.nextInt(FaultCluster.NODES);
        int b = a % FaultCluster.NODES + 1;
        long ms = cluster.sessionTimeoutMs / 2 + rnd.nextInt(cluster.sessionTimeoutMs);
        History.Entry e =
            history.begin(
                "fault",
                0,
                "stop ZooKeeper servers " + a + " and " + b + " for " + ms + " ms (quorum lost)");
        cluster.stopZk(a);
        cluster.stopZk(b);
        waitFor(Duration.ofMillis(ms), () -> false);
        cluster.startZk(a);
        cluster.startZk(b);
        history.endFault(e, "restarted");
      }
      case EXPIRE -> {
        long session = awaitSession(node);
        History.Entry e = history.begin("fault", node, "black-hole its ZooKeeper traffic");
        cluster.proxy(node).mode(TcpProxy.Mode.BLACKHOLE);
        boolean expired = waitFor(Duration.ofSeconds(120), () -> cluster.session(node) != session);
        cluster.proxy(node).mode(TcpProxy.Mode.PASS);
        awaitSession(node);
        history.endFault(e, expired ? "session expired, healed" : "session did not expire");
      }
      case PAUSE -> {
        long session = awaitSession(node);
        History.Entry e = history.begin("fault", node, "SIGSTOP clvmd");
        cluster.pause(node);
        boolean expired = waitFor(Duration.ofSeconds(120), () -> cluster.session(node) != session);
        cluster.resume(node);
        awaitSession(node);
        history.endFault(e, expired ? "session expired, SIGCONT" : "SIGCONT (no expiry seen)");
      }
      case CUT -> {
        long ms = cluster.sessionTimeoutMs / 5 + rnd.nextInt(cluster.sessionTimeoutMs / 2);
        History.Entry e = history.begin("fault", node, "cut off from ZooKeeper for " + ms + " ms");
        cluster.proxy(node).mode(TcpProxy.Mode.CUT);
        waitFor(Duration.ofMillis(ms), () -> false);
        cluster.proxy(node).mode(TcpProxy.Mode.PASS);
        history.endFault(e, "reconnected");
      }
      case CORRUPT -> {
        int pv = rnd.nextInt(cluster.pvs.size());
        History.Entry e =
            history.begin(
                "fault",
                0,
                "corrupt the committed metadata text on " + cluster.pvs.get(pv).getFileName());
        String what = corrupt(cluster.pvs.get(pv));
        SafetyChecker.DiskRead seen = checker.readDisks();
        history.endFault(
            e, what + (seen.problems().isEmpty() ? "; already rewritten" : "; unreadable now"));
        // The store falls back to the other copies: a report on any node still reads the VG.
        History.Entry r = history.begin("fault", node, "lvs --noheadings vg (after corruption)");
        CliResult lvs = cluster.run(node, "lvs", "--noheadings", Workload.VG);
        history.end(r, lvs.exit(), lvs.toString());
        if (!lvs.ok()) {
          checker.violation(
              "with one metadata copy corrupted, lvs on node" + node + " failed: " + lvs);
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /** The node's current session, waiting until it has one. */
  private long awaitSession(int node) {
    return Await.value(
        "node" + node + " to be registered in ZooKeeper",
        Duration.ofSeconds(180),
        () -> {
          long s = cluster.session(node);
          return s == 0 ? null : s;
        });
  }

  /** A deterministic wait: until {@code done} holds or {@code d} has passed; true if it held. */
  static boolean waitFor(Duration d, BooleanSupplier done) {
    long deadline = System.nanoTime() + d.toNanos();
    boolean[] held = new boolean[1];
    Await.until(
        "a scheduled pause of " + d,
        d.plusSeconds(60),
        () -> (held[0] = done.getAsBoolean()) || System.nanoTime() >= deadline);
    return held[0];
  }

  private void failAt(int node, CommitStep step) throws Exception {
    History.Entry e = history.begin("fault", node, "restart with testing.failAt=" + step + " halt");
    cluster.extraConfig(
        node, "testing.failAt = \"" + step.name() + "\"\ntesting.failMode = \"halt\"");
    cluster.stop(node);
    cluster.start(node);
    cluster.awaitUp(node);
    // three slots of the fault thread's own, reused: a long run's VG never fills up
    if (faultSlots.size() < 3) {
      Workload.Slot s = new Workload.Slot("f" + faultSlots.size());
      faultSlots.add(s);
      synchronized (workload.slots) {
        workload.slots.add(s);
      }
    }
    Workload.Slot slot = faultSlots.get(faultSlot++ % faultSlots.size());
    boolean halted = false;
    for (int i = 0; i < 6 && !halted; i++) {
      if (cluster.alive(node)) {
        workload.step("fault", slot, node, rnd);
      }
      halted = cluster.awaitExit(node, Duration.ofSeconds(i == 0 ? 20 : 5));
    }
    String outcome =
        halted
            ? "halted at " + step + " (exit " + cluster.exitValue(node) + ")"
            : "did not reach " + step;
    if (!halted) {
      cluster.stop(node);
    }
    synchronized (failAtOutcomes) {
      failAtOutcomes.add(step + ": " + outcome);
    }
    cluster.extraConfig(node, "");
    cluster.start(node);
    cluster.awaitUp(node);
    history.endFault(e, outcome + "; restarted without it");
  }

  /** Overwrites 16 bytes inside one in-use metadata area's committed text. */
  private static String corrupt(Path pv) throws IOException {
    AreaScan target = null;
    try (FileDevice d = FileDevice.openReadOnly(pv)) {
      for (PvScan s : MetadataStore.scan(List.of(d))) {
        for (AreaScan a : s.areas()) {
          if (a.inUse() && a.copy().isPresent()) {
            target = a;
            break;
          }
        }
      }
    }
    if (target == null) {
      return "no readable metadata copy on it (nothing done)";
    }
    var copy = target.copy().get();
    long end = target.locn().offset() + target.locn().size();
    long at = copy.textOffset() + Math.min(64, copy.size() / 2);
    if (at + 16 > end) {
      at = copy.textOffset();
    }
    try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
      f.seek(at);
      f.write("#CLVM-FAULT-XXX#".getBytes(StandardCharsets.US_ASCII));
    }
    return "16 bytes at " + at + " in " + copy.mdaName() + " (seqno " + copy.seqno() + ")";
  }
}
