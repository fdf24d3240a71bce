package io.clvm.cluster.lock;

import io.clvm.cluster.Zk;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes orphaned lock nodes: nodes of this client's current session under a lock directory that
 * the {@link LockLedger} does not want. Such a node is the head of the queue for as long as the
 * session lives (ZooKeeper removes an ephemeral only with its session, and a session that comes
 * back after a short outage is the same session), so every other writer would time out behind it.
 *
 * <p>Runs on its own thread and retries until a sweep has succeeded: after every reconnect, after
 * an acquisition that failed or gave up, and after a release that could not be confirmed. Deleting
 * a lock node is not a metadata write, so it needs no trusted connection; it only needs the session
 * that owns the node.
 */
final class OrphanSweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);
  private static final long RETRY_MS = 500;

  private final CuratorFramework client;
  private final LockLedger ledger;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-lock-sweeper");
            t.setDaemon(true);
            return t;
          });

  OrphanSweeper(CuratorFramework client, LockLedger ledger) {
    this.client = client;
    this.ledger = ledger;
  }

  /** Sweeps {@code dir} soon, and again until a sweep succeeds. */
  void sweepLater(String dir) {
    schedule(dir, 0);
  }

  /** Sweeps every lock directory this process has used (after a reconnect). */
  void sweepAll() {
    ledger.dirs().forEach(this::sweepLater);
  }

  private void schedule(String dir, long delayMs) {
    if (thread.isShutdown()) {
      return;
    }
    try {
      thread.schedule(() -> run(dir), delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void run(String dir) {
    if (client.getState() != CuratorFrameworkState.STARTED) {
      return;
    }
    Set<String> wanted = ledger.startSweep(dir);
    if (wanted == null) {
      return; // a create is in flight there; its end asks for this sweep again
    }
    boolean ok = false;
    try {
      sweep(dir, wanted);
      ok = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("sweeping lock {} failed, retrying: {}", dir, e.toString());
    } finally {
      ledger.endSweep(dir, ok);
    }
    if (!ok) {
      schedule(dir, RETRY_MS);
    }
  }

  /** One pass; throws when ZooKeeper cannot answer now. */
  void sweep(String dir, Set<String> wanted) throws Exception {
    long session = Zk.session(client);
    List<String> children;
    try {
      children = client.getChildren().forPath(dir);
    } catch (KeeperException.NoNodeException e) {
      return;
    }
    for (String child : children) {
      String node = ZKPaths.makePath(dir, child);
      if (wanted.contains(node)) {
        continue;
      }
      Stat stat = client.checkExists().forPath(node);
      if (stat == null || stat.getEphemeralOwner() != session) {
        continue; // gone, or another session's (another node's, or our previous session's)
      }
      try {
        client.delete().withVersion(stat.getVersion()).forPath(node);
        LOG.warn(
            "deleted orphaned lock node {} of this node's session (no command holds or waits for"
                + " it)",
            node);
      } catch (KeeperException.NoNodeException e) {
        // released meanwhile
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
