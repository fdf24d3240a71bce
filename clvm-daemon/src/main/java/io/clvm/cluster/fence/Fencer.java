package io.clvm.cluster.fence;

import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.ConnectionGuard.Health;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationRegistry;
import io.clvm.cluster.metrics.ClusterMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-fencing without reboot. When the connection stays SUSPENDED (or is LOST) for the grace
 * period, which is shorter than the session timeout, this node replaces the tables of its active
 * LVs (exclusive and shared) with error targets: its session may expire any moment, its {@code
 * active/<node>} znodes would vanish, and another node could take the LVs over (or remove or shrink
 * them and reuse their extents) while this one still writes to them.
 *
 * <p>Restoring is a {@link ConnectionGuard.Revalidator}: after a reconnect, before the connection
 * is trusted again, each fenced LV whose activation znode still belongs to the current session is
 * unfenced. After a session expiry the znode is gone, so the LV stays fenced (error target) until
 * an operator deactivates it: another node may own it by then.
 */
public final class Fencer implements ConnectionGuard.Revalidator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Fencer.class);

  private final ActivationRegistry activations;
  private final LocalTables tables;
  private final Duration grace;
  private final ConnectionGuard guard;
  private final Set<String> fenced = new TreeSet<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-fence");
            t.setDaemon(true);
            return t;
          });
  private ScheduledFuture<?> pending;

  /** The connection generation at which {@link #revalidate} last ran. */
  private long revalidatedGeneration = -1;

  private final ClusterMetrics metrics;

  public Fencer(
      ActivationRegistry activations, LocalTables tables, Duration grace, ConnectionGuard guard) {
    this(activations, tables, grace, guard, ClusterMetrics.disabled());
  }

  /** With {@code metrics}: fencing events by kind. */
  public Fencer(
      ActivationRegistry activations,
      LocalTables tables,
      Duration grace,
      ConnectionGuard guard,
      ClusterMetrics metrics) {
    this.metrics = metrics;
    this.activations = activations;
    this.tables = tables;
    this.grace = grace;
    this.guard = guard;
    guard.addRevalidator(this);
    guard.addListener(this::onHealth);
  }

  /** The LVs ({@code vg/lv}) currently fenced on this node. */
  public synchronized Set<String> fenced() {
    // A device fenced at start whose LV the metadata no longer names cannot be deactivated with
    // lvchange: once the operator has removed it (dmsetup remove), it is fenced no more.
    for (var left : Map.copyOf(leftovers).entrySet()) {
      try {
        if (!left.getValue().present()) {
          leftovers.remove(left.getKey());
          fenced.remove(left.getKey());
          LOG.info("fencing lv={}: the device fenced at start has been removed", left.getKey());
        }
      } catch (IOException e) {
        // still counted as fenced
      }
    }
    return Set.copyOf(fenced);
  }

  private synchronized void onHealth(Health health) {
    switch (health) {
      case SUSPENDED -> {
        if (pending == null) {
          pending = timer.schedule(this::fenceIfStillDown, grace.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      case LOST -> fenceAll("ZooKeeper session lost");
      case REVALIDATING, GOOD, CLOSED -> cancelPending();
      case CONNECTING -> {}
    }
  }

  private synchronized void fenceIfStillDown() {
    pending = null;
    Health h = guard.health();
    if (h == Health.SUSPENDED || h == Health.LOST) {
      fenceAll("ZooKeeper connection suspended for more than " + grace.toMillis() + " ms");
    }
  }

  private synchronized void fenceAll(String reason) {
    cancelPending();
    for (Activation a : activations.local()) {
      String key = a.vgUuid() + "/" + a.lvUuid();
      // Shared activations too: their znodes vanish with the session just the same, after which
      // another node may take the LV exclusively, or remove or shrink it and hand its extents to
      // another LV while this node still maps them (found by the fault-injection suite).
      if (fenced.contains(key)) {
        continue;
      }
      try {
        tables.fence(a.vgUuid(), a.lvUuid());
        fenced.add(key);
        metrics.fencingEvent("fenced");
        LOG.error(
            "fencing event=fenced lv={} reason=\"{}\": active LV ({}) now maps to an error target;"
                + " every I/O to it fails until ownership is revalidated",
            key,
            reason,
            a.mode().word());
      } catch (Exception e) {
        fenceFailed(key, e);
      }
    }
  }

  private void fenceFailed(String key, Exception e) {
    metrics.fencingEvent("fence_failed");
    LOG.error(
        "fencing event=fence_failed lv={} error=\"{}\": this node may still write to it",
        key,
        e,
        e);
  }

  /** Fences one device, whatever names it (see {@link #fenceLeft}). */
  @FunctionalInterface
  public interface DeviceFence {
    void fence() throws IOException;
  }

  /** Whether a device fenced by {@link #fenceLeft} still exists. */
  @FunctionalInterface
  public interface DevicePresent {
    boolean present() throws IOException;
  }

  /** The LVs {@link #fenceLeft} fenced, with how to tell that their device is gone. */
  private final Map<String, DevicePresent> leftovers = new HashMap<>();

  /**
   * Fences {@code vg/lv}, a device a previous clvmd of this node left and this one does not own
   * (clvmd start): {@code fence} replaces its table, and the LV counts as fenced here like those of
   * an outage ({@code cluster status}, {@code cluster health}) until it is deactivated or activated
   * afresh. Logged in the same format. Its activation znode, if a previous session of this node
   * still holds one, is deleted afterwards: the LV is free for the others at once.
   *
   * @return false when the fence failed (logged as {@code fence_failed})
   */
  public synchronized boolean fenceLeft(
      String vgUuid, String lvUuid, String reason, DeviceFence fence, DevicePresent present) {
    String key = vgUuid + "/" + lvUuid;
    try {
      fence.fence();
    } catch (Exception e) {
      fenceFailed(key, e);
      return false;
    }
    fenced.add(key);
    leftovers.put(key, present);
    metrics.fencingEvent("fenced");
    LOG.error(
        "fencing event=fenced lv={} reason=\"{}\": the device now maps to an error target;"
            + " every I/O to it fails until it is deactivated here",
        key,
        reason);
    try {
      activations.dropStale(vgUuid, lvUuid);
    } catch (IOException e) {
      LOG.warn("fencing lv={}: stale activation not deleted now ({})", key, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /**
   * This node registered or dropped its activation of {@code vg/lv} afresh (under the VG lock, with
   * a good connection): a fence left over from an expired session no longer applies, and the LV
   * must be fenced again at the next outage (a key left here would be skipped by it).
   */
  public synchronized void released(String vgUuid, String lvUuid) {
    fenced.remove(vgUuid + "/" + lvUuid);
    leftovers.remove(vgUuid + "/" + lvUuid);
  }

  /**
   * A command of this node loaded the table of {@code vg/lv} after registering its activation at
   * connection {@code generation}. If the connection was interrupted in between, a fence may have
   * found no table yet and {@link #released} then dropped it, so the LV could be mapped while its
   * activation went with the session: fence it now and let revalidation decide, here when it has
   * already run for the current connection.
   *
   * @return false when the LV stays fenced because its activation is gone
   */
  public synchronized boolean confirmLoaded(String vgUuid, String lvUuid, long generation)
      throws Exception {
    if (guard.generation() == generation) {
      return true; // no interruption: a later fence finds the table
    }
    String key = vgUuid + "/" + lvUuid;
    fenced.add(key);
    tables.fence(vgUuid, lvUuid); // again if already fenced: the command has just loaded a table
    metrics.fencingEvent("fenced");
    LOG.error("fencing event=fenced lv={} reason=\"connection interrupted while activating\"", key);
    boolean revalidated =
        guard.health() == Health.GOOD || revalidatedGeneration == guard.generation();
    return !revalidated || revalidateOne(key);
  }

  @Override
  public synchronized void revalidate(CuratorFramework client, boolean newSession)
      throws Exception {
    revalidatedGeneration = guard.generation();
    for (String key : Set.copyOf(fenced)) {
      revalidateOne(key);
    }
  }

  /** Unfences {@code key} if its activation znode is still this session's; true if so. */
  private boolean revalidateOne(String key) throws Exception {
    String[] vgLv = key.split("/", 2);
    if (activations.stillOwned(vgLv[0], vgLv[1])) {
      tables.unfence(vgLv[0], vgLv[1]);
      fenced.remove(key);
      metrics.fencingEvent("unfenced");
      LOG.warn("fencing event=unfenced lv={}: ownership revalidated", key);
      return true;
    }
    activations.forget(vgLv[0], vgLv[1]);
    try {
      activations.dropStale(vgLv[0], vgLv[1]); // the fenced LV is free for others at once
    } catch (IOException e) {
      LOG.warn("fencing lv={}: stale activation not deleted now ({})", key, e.toString());
    }
    metrics.fencingEvent("stays_fenced");
    LOG.error(
        "fencing event=stays_fenced lv={}: its activation expired with the session"
            + " and another node may own it now; deactivate it here",
        key);
    return false;
  }

  private void cancelPending() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
