package io.clvm.cluster.propagate;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.Json;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.VgState;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.cluster.reduce.IntentAck;
import io.clvm.cluster.reduce.ReduceIntent;
import io.clvm.cluster.reduce.ReduceIntents;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every daemon's watch on {@code vgs/*}{@code /state} and {@code vgs/*}{@code /intent}: it keeps
 * this node's tables at what the cluster wants now, and records what it did.
 *
 * <ul>
 *   <li>A committed seqno newer than what this node applied: read the copy of record, call the
 *       {@link ApplyCallback}, record {@code applied/<node>}.
 *   <li>A reduce intent naming this node (its seqno one above the committed one): load the smaller
 *       tables of the intent's LVs, then answer in {@code intent-acks/<node>}.
 *   <li>The intent gone while this node has its tables loaded: reload the committed tables. If the
 *       reduce was committed they are the same; if not (refused, or the committer died: the intent
 *       is ephemeral) the old size comes back, which is safe because the extents are still the LV's
 *       in the committed VG.
 * </ul>
 *
 * <p>Each event only enqueues the VG; one worker thread reconciles it against the current znodes
 * (level-triggered, so a lost or duplicated event changes nothing), so the ZooKeeper event thread
 * is never blocked by a device-mapper reload, and intents and commits of one VG are applied in the
 * order ZooKeeper saw them. A CuratorCache (a persistent recursive watch, re-established and
 * re-synced by Curator after a reconnect) sees every VG at start, so a daemon that was down catches
 * up.
 */
public final class Propagator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Propagator.class);

  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final VgStateStore store;
  private final ReduceIntents intents;
  private final String nodeId;
  private final ApplyCallback callback;
  private final ClusterMetrics metrics;
  private final Map<String, Long> applied = new ConcurrentHashMap<>();

  /** Per VG, the reduce intent whose smaller tables this node has loaded (not yet resolved). */
  private final Map<String, ReduceIntent> underIntent = new ConcurrentHashMap<>();

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-apply");
            t.setDaemon(true);
            return t;
          });
  private final CuratorCache cache;

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
    this.intents = new ReduceIntents(client, layout);
    this.nodeId = nodeId;
    this.callback = callback;
    this.cache = CuratorCache.build(client, layout.vgs());
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> enqueue(node))
                .forDeletes(this::enqueue)
                .build());
  }

  private void enqueue(ChildData node) {
    String path = node.getPath();
    String vg = layout.vgUuidOfState(path);
    if (vg == null) {
      vg = layout.vgUuidOfIntent(path);
    }
    if (vg == null || worker.isShutdown()) {
      return;
    }
    String v = vg;
    try {
      worker.execute(() -> reconcile(v));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  public void start() {
    cache.start();
  }

  /** The last seqno this node applied for {@code vgUuid}, or -1. */
  public long applied(String vgUuid) {
    return applied.getOrDefault(vgUuid, -1L);
  }

  /** The reduce intent whose smaller tables this node has loaded for {@code vgUuid}, if any. */
  public Optional<ReduceIntent> underIntent(String vgUuid) {
    return Optional.ofNullable(underIntent.get(vgUuid));
  }

  private void reconcile(String vgUuid) {
    try {
      CommittedVg committed = store.readMetadata(vgUuid);
      Optional<ReduceIntent> intent = intents.read(vgUuid);
      if (intent.isPresent()
          && intent.get().targets(nodeId)
          && intent.get().seqno() == committed.seqno() + 1) {
        follow(vgUuid, intent.get());
      } else {
        applyCommitted(vgUuid, committed);
      }
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

  /** Loads the intent's smaller tables (once per intent) and answers. */
  private void follow(String vgUuid, ReduceIntent intent) throws Exception {
    ReduceIntent current = underIntent.get(vgUuid);
    if (current != null && current.id().equals(intent.id())) {
      return; // already answered
    }
    // Remembered before the reload: whatever the reload did, a withdrawal reloads the committed
    // tables.
    underIntent.put(vgUuid, intent);
    IntentAck ack;
    try {
      callback.applyOnly(
          new CommittedVg(vgUuid, intent.seqno(), intent.text()), Set.copyOf(intent.lvUuids()));
      ack = IntentAck.of(intent.id(), IntentAck.State.REDUCED, null);
      LOG.info("reduce intent {} vg={}: smaller tables loaded", intent.id(), vgUuid);
    } catch (Exception e) {
      ack = IntentAck.of(intent.id(), IntentAck.State.FAILED, e.getMessage());
      LOG.error("reduce intent {} vg={}: reload failed: {}", intent.id(), vgUuid, e.toString());
    }
    intents.ack(vgUuid, nodeId, ack);
  }

  /** Applies the committed VG if it is new here, or if an intent's tables must be replaced. */
  private void applyCommitted(String vgUuid, CommittedVg committed) throws Exception {
    ReduceIntent was = underIntent.remove(vgUuid);
    if (was == null && committed.seqno() <= applied(vgUuid)) {
      return; // an older event, or one already handled by a previous catch-up
    }
    boolean restore = was != null && committed.seqno() < was.seqno();
    long start = System.nanoTime();
    try {
      callback.apply(committed);
    } catch (Exception e) {
      if (was != null) {
        underIntent.put(vgUuid, was); // retried on the next event of this VG
        if (restore) {
          intents.ack(
              vgUuid, nodeId, IntentAck.of(was.id(), IntentAck.State.RESTORE_FAILED, e.toString()));
        }
      }
      throw e;
    }
    // Known here before it is announced: whoever sees applied/<node> (the committer's wait, cluster
    // status) may ask this node next, and must not find it behind its own record.
    Long before = applied.put(vgUuid, committed.seqno());
    try {
      record(vgUuid, committed.seqno());
    } catch (Exception e) {
      // Not announced: forget it, so that the next event of this VG applies and records it again.
      if (before == null) {
        applied.remove(vgUuid, committed.seqno());
      } else {
        applied.replace(vgUuid, committed.seqno(), before);
      }
      throw e;
    }
    metrics.applied(committedAt(vgUuid, committed.seqno()), System.nanoTime() - start);
    if (restore) {
      intents.ack(vgUuid, nodeId, IntentAck.of(was.id(), IntentAck.State.RESTORED, null));
      LOG.warn(
          "reduce intent {} vg={} withdrawn uncommitted: tables of seqno {} loaded again",
          was.id(),
          vgUuid,
          committed.seqno());
    } else {
      LOG.info("applied VG {} seqno {}", vgUuid, committed.seqno());
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
