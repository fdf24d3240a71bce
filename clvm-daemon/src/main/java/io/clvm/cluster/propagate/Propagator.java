package io.clvm.cluster.propagate;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.commit.CommittedVg;
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
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every daemon's watch on {@code vgs/*}{@code /state} and {@code vgs/*}{@code /intent}: it keeps
 * this node's tables at what the cluster wants now, and records what it did.
 *
 * <ul>
 *   <li>A committed seqno newer than what this node applied: call the {@link ApplyCallback} with
 *       the copy of record if this node has something of the VG to reload ({@link
 *       ApplyCallback#needsText}), then record {@code applied/<node>}. A node with nothing of the
 *       VG active reads only {@code state}: its tables (none) are in step with any text, and it
 *       records the seqno it read.
 *   <li>A reduce intent naming this node (its seqno one above the committed one): load the smaller
 *       tables of the intent's LVs, then answer in {@code intent-acks/<node>}.
 *   <li>The intent gone while this node has its tables loaded: reload the committed tables. If the
 *       reduce was committed they are the same; if not (refused, or the committer died: the intent
 *       is ephemeral) the old size comes back, which is safe because the extents are still the LV's
 *       in the committed VG.
 * </ul>
 *
 * <p>Each event only enqueues the VG (once: a VG already waiting for the worker is not queued
 * again, so a burst of commits costs one read); one worker thread reconciles it against the current
 * znodes, read in one round trip ({@link VgSnapshot}): level-triggered, so a lost, merged or
 * duplicated event changes nothing, the ZooKeeper event thread is never blocked by a device-mapper
 * reload, and intents and commits of one VG are applied in the order ZooKeeper saw them. The watch
 * is a persistent recursive one on {@code vgs/} ({@link PersistentWatcher}): unlike a cache it
 * reads nothing by itself (every lock node, activation and applied record of every VG changes under
 * {@code vgs/}); each time it is (re)registered — at start and after every reconnect — every VG is
 * reconciled, so a daemon that was down or disconnected catches up.
 */
public final class Propagator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Propagator.class);

  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final ReduceIntents intents;
  private final String nodeId;
  private final ApplyCallback callback;
  private final ClusterMetrics metrics;
  private final Map<String, Long> applied = new ConcurrentHashMap<>();

  /** Per VG, the reduce intent whose smaller tables this node has loaded (not yet resolved). */
  private final Map<String, ReduceIntent> underIntent = new ConcurrentHashMap<>();

  /** VGs queued for the worker and not yet started: an event for one of them adds nothing. */
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  /** Reconciliations done (each one ZooKeeper read of the VG), for tests. */
  private final java.util.concurrent.atomic.AtomicLong reconciles =
      new java.util.concurrent.atomic.AtomicLong();

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-apply");
            t.setDaemon(true);
            return t;
          });
  private final PersistentWatcher watch;

  public Propagator(
      CuratorFramework client,
      ClusterLayout layout,
      String nodeId,
      ApplyCallback callback,
      ClusterMetrics metrics) {
    this.metrics = metrics;
    this.client = client;
    this.layout = layout;
    this.intents = new ReduceIntents(client, layout);
    this.nodeId = nodeId;
    this.callback = callback;
    this.watch = new PersistentWatcher(client, layout.vgs(), true);
    watch.getListenable().addListener(this::seen);
    watch.getResetListenable().addListener(this::enqueueAll);
  }

  private void seen(WatchedEvent event) {
    String path = event.getPath();
    if (path == null) {
      return; // a connection state event
    }
    String vg = layout.vgUuidOfState(path);
    if (vg == null) {
      vg = layout.vgUuidOfIntent(path);
    }
    if (vg != null) {
      enqueue(vg);
    }
  }

  /** The watch is (re)registered: events may have been missed, so every VG is looked at. */
  private void enqueueAll() {
    if (worker.isShutdown()) {
      return;
    }
    try {
      worker.execute(
          () -> {
            try {
              for (String vg : client.getChildren().forPath(layout.vgs())) {
                enqueue(vg);
              }
            } catch (KeeperException.NoNodeException e) {
              // no VG yet
            } catch (Exception e) {
              // the next reconnect registers the watch again and retries
              LOG.warn("listing the VGs to catch up failed: {}", e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Queues {@code vg} for the worker unless it is queued already (package-private for tests). */
  void enqueue(String vg) {
    if (worker.isShutdown() || !queued.add(vg)) {
      return;
    }
    try {
      worker.execute(
          () -> {
            queued.remove(vg); // before reading: an event from now on queues it again
            reconcile(vg);
          });
    } catch (RejectedExecutionException e) {
      queued.remove(vg); // closing
    }
  }

  public void start() {
    watch.start();
  }

  /** The last seqno this node applied for {@code vgUuid}, or -1. */
  public long applied(String vgUuid) {
    return applied.getOrDefault(vgUuid, -1L);
  }

  /** The reduce intent whose smaller tables this node has loaded for {@code vgUuid}, if any. */
  public Optional<ReduceIntent> underIntent(String vgUuid) {
    return Optional.ofNullable(underIntent.get(vgUuid));
  }

  /** How many times a VG was reconciled (read from ZooKeeper) so far. */
  long reconciles() {
    return reconciles.get();
  }

  /** Returns once everything queued for the worker before this call has run (tests). */
  void awaitQueued() throws Exception {
    worker.submit(() -> {}).get(30, TimeUnit.SECONDS);
  }

  private void reconcile(String vgUuid) {
    reconciles.incrementAndGet();
    try {
      VgSnapshot now = VgSnapshot.read(client, layout, vgUuid, callback.needsText(vgUuid));
      if (now.state().isEmpty()) {
        LOG.debug("VG {} disappeared before it could be applied", vgUuid);
        return;
      }
      StateHead state = now.state().get();
      Optional<ReduceIntent> intent = now.intent();
      if (intent.isPresent()
          && intent.get().targets(nodeId)
          && intent.get().seqno() == state.seqno() + 1) {
        follow(vgUuid, intent.get());
      } else {
        applyCommitted(vgUuid, state, now.text());
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

  /**
   * Applies the committed VG if it is new here, or if an intent's tables must be replaced. {@code
   * text} is the copy of record read with {@code state} if this node wanted it then; if it wants it
   * now (an activation since), it is read now.
   */
  private void applyCommitted(String vgUuid, StateHead state, Optional<CommittedVg> text)
      throws Exception {
    ReduceIntent was = underIntent.remove(vgUuid);
    if (was == null && state.seqno() <= applied(vgUuid)) {
      return; // an older event, or one already handled by a previous catch-up
    }
    long seqno = state.seqno();
    boolean restore = was != null && seqno < was.seqno();
    long start = System.nanoTime();
    try {
      // Decided here, after state was read: an LV of this VG activated from now on is loaded by
      // its activation under the VG lock, from a text at least as new as this state.
      if (text.isEmpty() && callback.needsText(vgUuid)) {
        text = Optional.of(new VgStateStore(client, layout).readMetadata(vgUuid));
      }
      if (text.isPresent()) {
        seqno = text.get().seqno(); // the copy of record carries its own seqno
        callback.apply(text.get());
      }
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
    Long before = applied.put(vgUuid, seqno);
    try {
      record(vgUuid, seqno);
    } catch (Exception e) {
      // Not announced: forget it, so that the next event of this VG applies and records it again.
      if (before == null) {
        applied.remove(vgUuid, seqno);
      } else {
        applied.replace(vgUuid, seqno, before);
      }
      throw e;
    }
    metrics.applied(state.seqno() == seqno ? state.time() : 0, System.nanoTime() - start);
    if (restore) {
      intents.ack(vgUuid, nodeId, IntentAck.of(was.id(), IntentAck.State.RESTORED, null));
      LOG.warn(
          "reduce intent {} vg={} withdrawn uncommitted: tables of seqno {} loaded again",
          was.id(),
          vgUuid,
          seqno);
    } else {
      // DEBUG: every node, every commit (the committer's INFO line says where it was applied).
      LOG.debug("applied VG {} seqno {}", vgUuid, seqno);
    }
  }

  private void record(String vgUuid, long seqno) throws Exception {
    byte[] data = AppliedRecord.json(seqno, System.currentTimeMillis());
    String path = layout.appliedNode(vgUuid, nodeId);
    try {
      client.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      client.create().creatingParentsIfNeeded().forPath(path, data);
    }
  }

  @Override
  public void close() {
    watch.close();
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
