package io.clvm.cluster.propagate;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.Json;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.VgState;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.metrics.ClusterMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every daemon's watch on {@code vgs/*}{@code /state}: on a seqno newer than what this node has
 * applied, it reads the copy of record, calls the {@link ApplyCallback}, then records {@code
 * applied/<node>}.
 *
 * <p>A CuratorCache (a persistent recursive watch, re-established and re-synced by Curator after a
 * reconnect, as PersistentWatcher does) sees the initial state of every VG at start, so a daemon
 * that was down catches up. Events only enqueue work: applying runs on one thread, in order, so the
 * ZooKeeper event thread is never blocked by a device-mapper reload.
 */
public final class Propagator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Propagator.class);

  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final VgStateStore store;
  private final String nodeId;
  private final ApplyCallback callback;
  private final Map<String, Long> applied = new ConcurrentHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-apply");
            t.setDaemon(true);
            return t;
          });
  private final CuratorCache cache;
  private final ClusterMetrics metrics;

  public Propagator(
      CuratorFramework client,
      ClusterLayout layout,
      String nodeId,
      ApplyCallback callback,
      ClusterMetrics metrics) {
    this.metrics = metrics;
    this.client = client;
    this.layout = layout;
    this.store = new VgStateStore(client, layout);
    this.nodeId = nodeId;
    this.callback = callback;
    this.cache = CuratorCache.build(client, layout.vgs());
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forCreatesAndChanges(
                    (oldNode, node) -> {
                      String vg = layout.vgUuidOfState(node.getPath());
                      if (vg != null && !worker.isShutdown()) {
                        try {
                          worker.execute(() -> applyLatest(vg));
                        } catch (RejectedExecutionException e) {
                          // closing
                        }
                      }
                    })
                .build());
  }

  public void start() {
    cache.start();
  }

  /** The last seqno this node applied for {@code vgUuid}, or -1. */
  public long applied(String vgUuid) {
    return applied.getOrDefault(vgUuid, -1L);
  }

  private void applyLatest(String vgUuid) {
    try {
      CommittedVg vg = store.readMetadata(vgUuid);
      if (vg.seqno() <= applied(vgUuid)) {
        return; // an older event, or one already handled by a previous catch-up
      }
      long start = System.nanoTime();
      callback.apply(vg);
      record(vgUuid, vg.seqno());
      applied.put(vgUuid, vg.seqno());
      metrics.applied(committedAt(vgUuid, vg.seqno()), System.nanoTime() - start);
      LOG.info("applied VG {} seqno {}", vgUuid, vg.seqno());
    } catch (KeeperException.NoNodeException e) {
      LOG.debug("VG {} disappeared before it could be applied", vgUuid);
    } catch (Exception e) {
      metrics.applyFailed();
      LOG.error(
          "applying VG {} failed: {}; this node stays at its previous tables",
          vgUuid,
          e.toString(),
          e);
    }
  }

  /**
   * When {@code seqno} of the VG was committed (the committer's clock), from the watched state in
   * the cache (no ZooKeeper read); 0 if the cache holds another seqno by now.
   */
  private long committedAt(String vgUuid, long seqno) {
    try {
      return cache
          .get(layout.vgState(vgUuid))
          .map(d -> d.getData())
          .filter(d -> d != null && d.length > 0)
          .map(d -> readState(d))
          .filter(st -> st != null && st.seqno() == seqno)
          .map(VgState::time)
          .orElse(0L);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static VgState readState(byte[] data) {
    try {
      return Json.read(data, VgState.class);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private void record(String vgUuid, long seqno) throws Exception {
    byte[] data = Json.write(new AppliedRecord(seqno, System.currentTimeMillis()));
    String path = layout.appliedNode(vgUuid, nodeId);
    try {
      client.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      client.create().creatingParentsIfNeeded().forPath(path, data);
    }
  }

  @Override
  public void close() {
    cache.close();
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
