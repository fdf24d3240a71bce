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
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.KeeperException;

/**
 * The global lock (VG namespace, orphan PVs) and the per-VG metadata locks, with holder visibility.
 * Locks are not re-entrant across acquisitions: a command takes each lock once.
 */
public final class ClusterLocks {
  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final ConnectionGuard guard;
  private final String nodeId;
  private final ClusterMetrics metrics;

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
    HolderMutex mutex = new HolderMutex(client, path, me);
    boolean acquired;
    long start = System.nanoTime();
    try {
      acquired = mutex.acquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new ClusterUnavailableException("cannot take lock " + path + ": " + e);
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
    return new LockHandle(mutex, path, token, metrics.lockHold(kind), acquiredAt);
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
