package io.clvm.cluster.lock;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.ClusterUnavailableException;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.Json;
import io.clvm.cluster.Zk;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.cluster.metrics.ClusterMetrics.LockKind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.KeeperException;

/**
 * The global lock (VG namespace, orphan PVs) and the per-VG metadata locks, with holder visibility.
 * Locks are not re-entrant across acquisitions: a command takes each lock once.
 */
public final class ClusterLocks implements AutoCloseable {
  /**
   * One ledger per client (per ZooKeeper session): a sweep must never take a node that another
   * ClusterLocks on the same client is waiting with or holding.
   */
  private static final Map<CuratorFramework, LockLedger> LEDGERS = new WeakHashMap<>();

  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final ConnectionGuard guard;
  private final String nodeId;
  private final ClusterMetrics metrics;
  private final LockLedger ledger;
  private final OrphanSweeper sweeper;

  public ClusterLocks(
      CuratorFramework client, ClusterLayout layout, ConnectionGuard guard, String nodeId) {
    this(client, layout, guard, nodeId, ClusterMetrics.disabled());
  }

  /** With {@code metrics}: wait and hold times, timeouts. */
  public ClusterLocks(
      CuratorFramework client,
      ClusterLayout layout,
      ConnectionGuard guard,
      String nodeId,
      ClusterMetrics metrics) {
    this.client = client;
    this.layout = layout;
    this.guard = guard;
    this.nodeId = nodeId;
    this.metrics = metrics;
    synchronized (LEDGERS) {
      this.ledger = LEDGERS.computeIfAbsent(client, c -> new LockLedger());
    }
    this.sweeper = new OrphanSweeper(client, ledger);
    // After a reconnect with the same session, a release or an acquisition that failed during the
    // outage may have left a node of this session behind: it would block every other writer.
    guard.addListener(
        health -> {
          if (health == ConnectionGuard.Health.GOOD) {
            sweeper.sweepAll();
          }
        });
  }

  @Override
  public void close() {
    sweeper.close();
  }

  /** Takes the global lock for {@code command} (shown to others), waiting up to {@code timeout}. */
  public LockHandle global(String command, Duration timeout)
      throws IOException, InterruptedException {
    return acquire(layout.globalLock(), LockKind.GLOBAL, command, timeout);
  }

  /** Takes the metadata lock of one VG. */
  public LockHandle vg(String vgUuid, String command, Duration timeout)
      throws IOException, InterruptedException {
    return acquire(layout.vgLock(vgUuid), LockKind.VG, command, timeout);
  }

  /** Holder and waiters of the lock at {@code path}. */
  public LockView view(String path) throws IOException, InterruptedException {
    return Zk.io(() -> readView(path));
  }

  private LockView readView(String path) throws Exception {
    Collection<String> nodes;
    try {
      nodes = new InterProcessMutex(client, path).getParticipantNodes();
    } catch (KeeperException.NoNodeException e) {
      nodes = List.of();
    }
    List<LockHolder> queue = new ArrayList<>();
    for (String node : nodes) {
      try {
        queue.add(parse(client.getData().forPath(node)));
      } catch (KeeperException.NoNodeException e) {
        // released between listing and reading
      }
    }
    LockHolder holder = queue.isEmpty() ? null : queue.get(0);
    return new LockView(path, holder, queue.isEmpty() ? List.of() : queue.subList(1, queue.size()));
  }

  private LockHandle acquire(String path, LockKind kind, String command, Duration timeout)
      throws IOException, InterruptedException {
    // Taken before queueing: a connection blip while we wait invalidates the lock for writes.
    ConnectionGuard.Token token = guard.token();
    LockHolder me =
        new LockHolder(nodeId, ProcessHandle.current().pid(), command, System.currentTimeMillis());
    RecordingDriver driver = new RecordingDriver(ledger, sweeper);
    HolderMutex mutex = new HolderMutex(client, path, me, driver);
    boolean acquired = false;
    long start = System.nanoTime();
    try {
      acquired = mutex.acquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new ClusterUnavailableException("cannot take lock " + path + ": " + e);
    } finally {
      settle(path, driver.created(), acquired);
    }
    long acquiredAt = System.nanoTime();
    metrics.lockWait(kind).record(acquiredAt - start, TimeUnit.NANOSECONDS);
    if (!acquired) {
      metrics.lockTimeout(kind);
      String holder;
      try {
        holder = view(path).current().map(ClusterLocks::describe).orElse("nobody");
      } catch (Exception e) {
        holder = "unknown (" + e.getMessage() + ")";
      }
      throw new LockTimeoutException(
          "timed out after "
              + timeout.toMillis()
              + " ms waiting for "
              + path
              + ", held by "
              + holder);
    }
    List<String> created = driver.created();
    String node = created.get(created.size() - 1);
    return new LockHandle(
        mutex, path, node, token, metrics.lockHold(kind), acquiredAt, this::released);
  }

  /**
   * After an acquisition: every node it made except the one it holds is unwanted. Curator deletes
   * them itself, but a delete lost in a connection outage would leave a node of this session at the
   * head of the queue; the sweep makes sure they are gone.
   */
  private void settle(String path, List<String> created, boolean acquired) {
    List<String> left =
        acquired && !created.isEmpty() ? created.subList(0, created.size() - 1) : created;
    if (!left.isEmpty()) {
      ledger.unwanted(left);
      sweeper.sweepLater(path);
    }
  }

  /** A handle let its node go; {@code confirmed} false: the delete may not have happened. */
  private void released(String path, String node, boolean confirmed) {
    ledger.unwanted(List.of(node));
    if (!confirmed) {
      sweeper.sweepLater(path);
    }
  }

  /** "node n1 pid 42 (lvextend vg/lv) since ..." */
  public static String describe(LockHolder h) {
    return "node "
        + h.node()
        + " pid "
        + h.pid()
        + " ("
        + h.command()
        + ") since "
        + java.time.Instant.ofEpochMilli(h.since());
  }

  private static LockHolder parse(byte[] data) {
    try {
      return data == null || data.length == 0
          ? LockHolder.UNKNOWN
          : Json.read(data, LockHolder.class);
    } catch (IOException e) {
      return LockHolder.UNKNOWN;
    }
  }
}
