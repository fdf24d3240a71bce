package io.clvm.it.fault;

import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.VolumeGroup;
import io.clvm.it.harness.CliResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workload: workers issuing random lvcreate, lvextend, lvreduce, lvrename, lvremove and
 * activation changes (exclusive, shared, off) through random nodes, all at once. Each worker owns
 * its LVs ("slots"), so that what each LV must look like follows from that worker's own sequence of
 * operations: after every operation the worker reads ZooKeeper's copy of record and checks the slot
 * against its model. An acknowledged operation (exit 0) must be there; a clean refusal must have
 * changed nothing; any other failure (the daemon died, ZooKeeper went away mid-commit) may have
 * happened or not, and the record decides which (and becomes the model).
 */
final class Workload {
  static final String VG = "vg";

  /** What one LV slot must look like. */
  static final class Slot {
    final String base;
    int gen;
    boolean exists;
    long extents;

    Slot(String base) {
      this.base = base;
    }

    String name() {
      return base + "g" + gen;
    }

    Slot copy() {
      Slot s = new Slot(base);
      s.gen = gen;
      s.exists = exists;
      s.extents = extents;
      return s;
    }

    boolean sameAs(Slot o) {
      return exists == o.exists && (!exists || (gen == o.gen && extents == o.extents));
    }

    @Override
    public String toString() {
      return exists
          ? name() + "(" + extents + " extents)"
          : base + " (no LV, next gen " + gen + ")";
    }
  }

  /**
   * The most extents one slot grows to: with 6 workers of 3 slots and a few fault slots, the VG (3
   * PVs of 256 MiB, 4 MiB extents) never fills, so a write at rest always has room.
   */
  static final long MAX_EXTENTS = 8;

  /** Messages of refusals that happen before anything is written. */
  private static final List<String> CLEAN_REFUSALS =
      List.of(
          "is active on node(s)",
          "Cannot reduce or move",
          "Cannot rename",
          "Insufficient free space",
          "insufficient free space");

  private final FaultCluster cluster;
  private final History history;
  private final SafetyChecker checker;
  private final long seed;
  final AtomicInteger done = new AtomicInteger();
  final AtomicInteger acknowledged = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger ambiguous = new AtomicInteger();
  final AtomicBoolean stop = new AtomicBoolean();
  final List<Slot> slots = new ArrayList<>();

  Workload(FaultCluster cluster, History history, SafetyChecker checker, long seed) {
    this.cluster = cluster;
    this.history = history;
    this.checker = checker;
    this.seed = seed;
  }

  /** Worker {@code w}: runs until {@code ops} operations are done in total (or stop is set). */
  void worker(int w, int slotsPerWorker, int ops) {
    Random rnd = new Random(seed * 1_000_003L + w);
    List<Slot> mine = new ArrayList<>();
    for (int i = 0; i < slotsPerWorker; i++) {
      Slot s = new Slot("w" + w + "s" + i);
      mine.add(s);
      synchronized (slots) {
        slots.add(s);
      }
    }
    // Each worker has a home node it sends two of three commands to, so that several commands of
    // one node wait for the VG at once and clvmd's group commit runs under the faults too.
    int home = 1 + w % FaultCluster.NODES;
    while (!stop.get() && done.get() < ops) {
      Slot s = mine.get(rnd.nextInt(mine.size()));
      int node = rnd.nextInt(3) < 2 ? home : 1 + rnd.nextInt(FaultCluster.NODES);
      step("w" + w, s, node, rnd);
      done.incrementAndGet();
    }
  }

  /** One random operation on {@code s} through {@code node}, then the check against the record. */
  void step(String who, Slot s, int node, Random rnd) {
    Slot before = s.copy();
    Slot after = s.copy();
    String[] cmd;
    String kind;
    if (!s.exists) {
      long n = 1 + rnd.nextInt(3);
      boolean active = rnd.nextInt(3) == 0;
      cmd =
          active
              ? new String[] {"lvcreate", "-l", Long.toString(n), "-n", s.name(), VG}
              : new String[] {"lvcreate", "-an", "-l", Long.toString(n), "-n", s.name(), VG};
      kind = "create";
      after.exists = true;
      after.extents = n;
    } else {
      int r = rnd.nextInt(100);
      String lv = VG + "/" + s.name();
      if (r < 22 && s.extents < MAX_EXTENTS) {
        long k = 1 + rnd.nextInt((int) Math.min(2, MAX_EXTENTS - s.extents));
        cmd = new String[] {"lvextend", "-l", "+" + k, lv};
        kind = "extend";
        after.extents += k;
      } else if (r < 34 && s.extents > 1) {
        long k = 1 + rnd.nextInt((int) Math.min(3, s.extents - 1));
        cmd = new String[] {"lvreduce", "-f", "-l", "-" + k, lv};
        kind = "reduce";
        after.extents -= k;
      } else if (r < 44) {
        after.gen++;
        cmd = new String[] {"lvrename", VG, s.name(), after.name()};
        kind = "rename";
      } else if (r < 54) {
        after.gen++;
        after.exists = false;
        cmd = new String[] {"lvremove", "-f", lv};
        kind = "remove";
      } else if (r < 70) {
        cmd = new String[] {"lvchange", "-aey", lv};
        kind = "activate";
      } else if (r < 82) {
        cmd = new String[] {"lvchange", "-asy", lv};
        kind = "activate";
      } else {
        cmd = new String[] {"lvchange", "-an", lv};
        kind = "deactivate";
      }
    }
    History.Entry e = history.begin(who, node, String.join(" ", cmd));
    CliResult r = cluster.run(node, cmd);
    history.end(e, r.exit(), r.toString());
    if (r.ok()) {
      acknowledged.incrementAndGet();
    } else if (CLEAN_REFUSALS.stream().anyMatch(m -> r.err().contains(m))) {
      refused.incrementAndGet();
    } else {
      ambiguous.incrementAndGet();
    }
    resolve(e, kind, s, before, after, r);
  }

  /** Checks the slot against ZooKeeper's copy of record after operation {@code e}. */
  private void resolve(History.Entry e, String kind, Slot s, Slot before, Slot after, CliResult r) {
    SafetyChecker.Committed c = checker.readZk();
    Slot seen = observe(c.vg(), s);
    if (seen == null) {
      checker.violation(
          "after #"
              + e.id
              + " ("
              + e.what
              + "): more than one LV of slot "
              + s.base
              + " in seqno "
              + c.seqno());
      return;
    }
    boolean metadataOp = !kind.equals("activate") && !kind.equals("deactivate");
    if (r.ok() || !metadataOp) {
      if (!seen.sameAs(after)) {
        checker.violation(
            "acknowledged change lost or altered: #"
                + e.id
                + " "
                + e.what
                + " -> "
                + r
                + "; expected "
                + after
                + ", committed seqno "
                + c.seqno()
                + " has "
                + seen);
      }
    } else if (CLEAN_REFUSALS.stream().anyMatch(m -> r.err().contains(m))) {
      if (!seen.sameAs(before)) {
        checker.violation(
            "a refused change was committed: #"
                + e.id
                + " "
                + e.what
                + " -> "
                + r
                + "; expected "
                + before
                + ", committed seqno "
                + c.seqno()
                + " has "
                + seen);
      }
    } else if (!seen.sameAs(before) && !seen.sameAs(after)) {
      checker.violation(
          "failed #"
              + e.id
              + " "
              + e.what
              + " left neither the old nor the new"
              + " state: "
              + before
              + " / "
              + after
              + "; committed seqno "
              + c.seqno()
              + " has "
              + seen);
    }
    if (seen.sameAs(after)) {
      s.gen = after.gen;
      s.exists = after.exists;
      s.extents = after.extents;
    } else if (seen.sameAs(before)) {
      s.gen = before.gen;
      s.exists = before.exists;
      s.extents = before.extents;
    } else {
      s.gen = seen.gen;
      s.exists = seen.exists;
      s.extents = seen.extents;
    }
    if (!s.exists && kind.equals("create") && !r.ok()) {
      s.gen++; // a create that did not happen: the next try uses a fresh name all the same
    }
  }

  /** The slot as {@code vg} has it, or null when two LVs claim it. */
  static Slot observe(VolumeGroup vg, Slot model) {
    Slot seen = new Slot(model.base);
    seen.gen = model.gen;
    seen.exists = false;
    int found = 0;
    String prefix = model.base + "g";
    for (LogicalVolume lv : vg.lvs()) {
      if (lv.name().startsWith(prefix)) {
        found++;
        seen.exists = true;
        seen.gen = Integer.parseInt(lv.name().substring(prefix.length()));
        seen.extents = lv.extentCount();
      }
    }
    if (found > 1) {
      return null;
    }
    if (!seen.exists) {
      // absent: whatever generation the model is at (a remove bumps it; a failed create too)
      seen.gen = model.gen;
    }
    return seen;
  }
}
