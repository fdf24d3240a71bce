package io.clvm.cluster.metrics;

import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.activation.ActivationRegistry;
import io.clvm.cluster.fence.Fencer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster services' meters (docs/observability.md lists each one with its Prometheus name).
 * Every meter that a hot path touches is built once: the per-lock-kind timers at construction, the
 * per-VG commit meters on a VG's first commit (then a map lookup), so that recording costs a clock
 * read and an atomic add, without tags built per call.
 *
 * <p>{@link #disabled()} records into a registry without children: Micrometer's no-op meters.
 */
public final class ClusterMetrics {
  /** Buckets of the latency histograms: from a fast commit to a lock queue of seconds. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  /** Which cluster lock: the global one (VG namespace, orphan PVs) or a VG's metadata lock. */
  public enum LockKind {
    GLOBAL,
    VG
  }

  /** One VG's commit meters. */
  private record VgMeters(Counter commits, Timer latency) {}

  /** One metadata area's usage, read by two gauges. */
  private static final class AreaUsage {
    final AtomicLong capacity = new AtomicLong();
    final AtomicLong used = new AtomicLong();
  }

  private final MeterRegistry registry;
  private final Map<String, VgMeters> vgs = new ConcurrentHashMap<>();
  private final Map<String, AreaUsage> areas = new ConcurrentHashMap<>();
  private final Map<LockKind, Timer> lockWait = new EnumMap<>(LockKind.class);
  private final Map<LockKind, Timer> lockHold = new EnumMap<>(LockKind.class);
  private final Map<LockKind, Counter> lockTimeouts = new EnumMap<>(LockKind.class);
  private final Map<String, Counter> commitFailures = new ConcurrentHashMap<>();
  private final Counter commitConflicts;
  private final DistributionSummary groupSize;
  private final Counter sharedLocks;
  private final Timer propagationLag;
  private final Timer apply;
  private final Counter applyFailures;
  private final Map<String, Timer> reloads = new ConcurrentHashMap<>();
  private final Counter sessionExpiries;
  private final Counter suspensions;
  private final Map<String, Counter> fencingEvents = new ConcurrentHashMap<>();

  public ClusterMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (LockKind k : LockKind.values()) {
      String kind = k.name().toLowerCase(Locale.ROOT);
      lockWait.put(
          k,
          histogram(Timer.builder("clvm.lock.wait"))
              .description("Time to get a cluster lock (queueing behind other holders)")
              .tag("lock", kind)
              .register(registry));
      lockHold.put(
          k,
          histogram(Timer.builder("clvm.lock.hold"))
              .description("Time a cluster lock was held by this node")
              .tag("lock", kind)
              .register(registry));
      lockTimeouts.put(
          k,
          Counter.builder("clvm.lock.timeouts")
              .description("Cluster lock requests that timed out (lock.timeoutMs)")
              .tag("lock", kind)
              .register(registry));
    }
    commitConflicts =
        Counter.builder("clvm.commit.conflicts")
            .description("Commits whose version check failed at the commit point (retried)")
            .register(registry);
    groupSize =
        DistributionSummary.builder("clvm.commit.group.size")
            .description(
                "Commands whose changes one metadata commit carried (group commit; 1: alone)")
            .serviceLevelObjectives(1, 2, 3, 4, 6, 8, 12, 16, 32)
            .register(registry);
    sharedLocks =
        Counter.builder("clvm.lock.shared")
            .description(
                "VG lock acquisitions served by a hold this node already had (no ZooKeeper trip)")
            .register(registry);
    propagationLag =
        histogram(Timer.builder("clvm.propagation.lag"))
            .description("From a commit (committer's clock) to this node having applied it")
            .register(registry);
    apply =
        histogram(Timer.builder("clvm.apply"))
            .description("Applying one committed seqno on this node (all its table reloads)")
            .register(registry);
    applyFailures =
        Counter.builder("clvm.apply.failures")
            .description("Committed seqnos this node failed to apply")
            .register(registry);
    sessionExpiries =
        Counter.builder("clvm.zookeeper.session.expiries")
            .description("ZooKeeper sessions of this node that expired (LOST)")
            .register(registry);
    suspensions =
        Counter.builder("clvm.zookeeper.suspensions")
            .description("ZooKeeper connection suspensions (SUSPENDED or LOST)")
            .register(registry);
  }

  /** Meters that record nothing (no registry configured). */
  public static ClusterMetrics disabled() {
    return new ClusterMetrics(new CompositeMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  private static Timer.Builder histogram(Timer.Builder b) {
    return b.serviceLevelObjectives(BUCKETS).minimumExpectedValue(BUCKETS[0]);
  }

  // ---- commits

  /** One successful metadata commit of VG {@code vg} (its name) that took {@code nanos}. */
  public void commit(String vg, long nanos) {
    VgMeters m = vgs.get(vg);
    if (m == null) {
      m = vgs.computeIfAbsent(vg, this::vgMeters);
    }
    m.commits().increment();
    m.latency().record(nanos, TimeUnit.NANOSECONDS);
  }

  private VgMeters vgMeters(String vg) {
    return new VgMeters(
        Counter.builder("clvm.commits")
            .description("Metadata commits this node made, by VG")
            .tag("vg", vg)
            .register(registry),
        histogram(Timer.builder("clvm.commit"))
            .description("Duration of a metadata commit (lock held: read, write, commit point)")
            .tag("vg", vg)
            .register(registry));
  }

  /** A commit that failed; {@code reason}: a short fixed word (conflict, unavailable, error...). */
  public void commitFailed(String reason) {
    Counter c = commitFailures.get(reason);
    if (c == null) {
      c =
          commitFailures.computeIfAbsent(
              reason,
              r ->
                  Counter.builder("clvm.commit.failures")
                      .description("Metadata commits that failed, by reason")
                      .tag("reason", r)
                      .register(registry));
    }
    c.increment();
  }

  public void commitConflict() {
    commitConflicts.increment();
  }

  /** One metadata commit of clvmd's engine that carried the changes of {@code commands}. */
  public void commitGroup(int commands) {
    groupSize.record(commands);
  }

  /** A command took a VG lock this node held already (lock sharing). */
  public void lockShared() {
    sharedLocks.increment();
  }

  // ---- locks

  public Timer lockWait(LockKind kind) {
    return lockWait.get(kind);
  }

  public Timer lockHold(LockKind kind) {
    return lockHold.get(kind);
  }

  public void lockTimeout(LockKind kind) {
    lockTimeouts.get(kind).increment();
  }

  // ---- propagation and reloads

  /** This node applied a seqno committed at {@code committedAtMillis} (committer's clock). */
  public void applied(long committedAtMillis, long applyNanos) {
    apply.record(applyNanos, TimeUnit.NANOSECONDS);
    if (committedAtMillis > 0) {
      propagationLag.record(
          Math.max(0, System.currentTimeMillis() - committedAtMillis), TimeUnit.MILLISECONDS);
    }
  }

  public void applyFailed() {
    applyFailures.increment();
  }

  /** One LV's table loaded into this node's device-mapper; {@code outcome}: created, reloaded. */
  public void reload(String outcome, long nanos) {
    Timer t = reloads.get(outcome);
    if (t == null) {
      t =
          reloads.computeIfAbsent(
              outcome,
              o ->
                  histogram(Timer.builder("clvm.reload"))
                      .description(
                          "Device-mapper table loads of this node (load, suspend, resume), by"
                              + " outcome")
                      .tag("outcome", o)
                      .register(registry));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  // ---- metadata areas

  /**
   * The usage of one metadata area: {@code capacity} is the largest copy of the text (with its NUL)
   * the area can hold, {@code used} the size of the VG's current copy (with its NUL).
   */
  public void metadataArea(String vg, String pv, int mdaIndex, long capacity, long used) {
    String key = vg + '\0' + pv + '\0' + mdaIndex;
    AreaUsage u = areas.get(key);
    if (u == null) {
      u =
          areas.computeIfAbsent(
              key,
              k -> {
                AreaUsage n = new AreaUsage();
                String mda = "mda" + (mdaIndex + 1);
                Gauge.builder("clvm.metadata.area.capacity", n.capacity, AtomicLong::get)
                    .description("Largest metadata text copy this area can hold")
                    .baseUnit("bytes")
                    .tags("vg", vg, "pv", pv, "mda", mda)
                    .strongReference(true)
                    .register(registry);
                Gauge.builder("clvm.metadata.area.used", n.used, AtomicLong::get)
                    .description("Size of the VG's current metadata text copy in this area")
                    .baseUnit("bytes")
                    .tags("vg", vg, "pv", pv, "mda", mda)
                    .strongReference(true)
                    .register(registry);
                return n;
              });
    }
    u.capacity.set(capacity);
    u.used.set(used);
  }

  // ---- connection, fencing, activations

  /** Gauges of the connection's health and counters of suspensions and session expiries. */
  public void watch(ConnectionGuard guard) {
    for (ConnectionGuard.Health h : ConnectionGuard.Health.values()) {
      Gauge.builder("clvm.zookeeper.connection.state", guard, g -> g.health() == h ? 1 : 0)
          .description("1 for the ZooKeeper connection's current state (GOOD: trusted)")
          .tag("state", h.name())
          .register(registry);
    }
    Gauge.builder(
            "clvm.zookeeper.connected",
            guard,
            g -> g.health() == ConnectionGuard.Health.GOOD ? 1 : 0)
        .description("1 while the ZooKeeper connection is GOOD (may be written through)")
        .register(registry);
    guard.addListener(
        h -> {
          if (h == ConnectionGuard.Health.SUSPENDED || h == ConnectionGuard.Health.LOST) {
            suspensions.increment();
          }
          if (h == ConnectionGuard.Health.LOST) {
            sessionExpiries.increment();
          }
        });
  }

  /** Gauge of the LVs fenced on this node. */
  public void watch(Fencer fencer) {
    Gauge.builder("clvm.fenced.lvs", fencer, f -> f.fenced().size())
        .description("LVs of this node currently fenced (mapped to an error target)")
        .register(registry);
  }

  /** Gauges of the LVs active on this node, by mode. */
  public void watch(ActivationRegistry activations) {
    for (ActivationMode mode : ActivationMode.values()) {
      Gauge.builder("clvm.active.lvs", activations, a -> count(a, mode))
          .description("LVs active on this node, by activation mode")
          .tag("mode", mode.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
  }

  private static int count(ActivationRegistry a, ActivationMode mode) {
    int n = 0;
    for (Activation x : a.local()) {
      if (x.mode() == mode) {
        n++;
      }
    }
    return n;
  }

  /** One fencing event: fenced, fence_failed, unfenced, stays_fenced. */
  public void fencingEvent(String event) {
    fencingEvents
        .computeIfAbsent(
            event,
            e ->
                Counter.builder("clvm.fencing.events")
                    .description("Fencing events of this node, by event")
                    .tag("event", e)
                    .register(registry))
        .increment();
  }
}
