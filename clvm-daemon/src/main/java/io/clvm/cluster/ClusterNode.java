package io.clvm.cluster;

import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.activation.ActivationRegistry;
import io.clvm.cluster.commit.CommitProtocol;
import io.clvm.cluster.commit.CommitSettings;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.fence.Fencer;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.lock.ClusterLocks;
import io.clvm.cluster.lock.LockHandle;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.cluster.propagate.PropagationWaiter;
import io.clvm.cluster.propagate.Propagator;
import io.clvm.cluster.reduce.ReduceIntents;
import io.clvm.cluster.reduce.ReduceRounds;
import io.clvm.cluster.status.StatusReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's cluster services, wired together: this is what the daemon (and the engine, through it)
 * uses. The Curator client is owned by the caller and must be started.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  /** The node-specific settings. */
  public record Options(
      String nodeId,
      String version,
      Duration fencingGrace,
      CommitSettings commit,
      FailPoint failPoint) {}

  private enum State {
    LATENT,
    STARTED,
    CLOSED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final CuratorFramework client;
  private final ClusterLayout layout;
  private final Options options;
  private final ConnectionGuard guard;
  private final NodeRegistry registry;
  private final ClusterLocks locks;
  private final ActivationRegistry activations;
  private final CommitProtocol protocol;
  private final Propagator propagator;
  private final ReduceRounds reductions;
  private final Fencer fencer;
  private final StatusReader status;
  private final ClusterMetrics metrics;

  public ClusterNode(
      CuratorFramework client,
      ClusterLayout layout,
      Options options,
      MetadataDisks disks,
      ApplyCallback apply,
      LocalTables tables) {
    this(client, layout, options, disks, apply, tables, ClusterMetrics.disabled());
  }

  /** With {@code metrics}: every service records into it (docs/observability.md). */
  public ClusterNode(
      CuratorFramework client,
      ClusterLayout layout,
      Options options,
      MetadataDisks disks,
      ApplyCallback apply,
      LocalTables tables,
      ClusterMetrics metrics) {
    this.metrics = metrics;
    this.client = client;
    this.layout = layout;
    this.options = options;
    this.guard = new ConnectionGuard(client, layout.root());
    this.registry =
        new NodeRegistry(client, layout, NodeRegistry.self(options.nodeId(), options.version()));
    this.locks = new ClusterLocks(client, layout, guard, options.nodeId(), metrics);
    this.activations = new ActivationRegistry(client, layout, guard, options.nodeId());
    this.protocol =
        new CommitProtocol(
            locks,
            new VgStateStore(client, layout),
            disks,
            guard,
            new PropagationWaiter(client, layout, activations),
            options.commit(),
            options.failPoint(),
            options.nodeId(),
            metrics);
    this.propagator = new Propagator(client, layout, options.nodeId(), apply, metrics);
    this.reductions =
        new ReduceRounds(
            client,
            new ReduceIntents(client, layout),
            activations,
            guard,
            options.failPoint(),
            options.nodeId(),
            options.commit().propagationTimeout());
    this.fencer = new Fencer(activations, tables, options.fencingGrace(), guard, metrics);
    metrics.watch(guard);
    metrics.watch(fencer);
    metrics.watch(activations);
    this.status =
        new StatusReader(
            client, layout, options.nodeId(), guard, registry, locks, activations, fencer);
  }

  /** Registers the node and starts watching committed state. */
  public void start(Duration timeout) throws IOException, InterruptedException {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("cluster node already started or closed");
    }
    if (!guard.awaitGood(timeout)) {
      throw new ClusterUnavailableException(
          "no usable ZooKeeper connection within " + timeout.toMillis() + " ms");
    }
    try {
      client.create().creatingParentsIfNeeded().forPath(layout.vgs());
    } catch (KeeperException.NodeExistsException e) {
      // an earlier node created it
    } catch (Exception e) {
      throw new ClusterUnavailableException("cannot create " + layout.vgs() + ": " + e);
    }
    registry.start(timeout);
    propagator.start();
  }

  /**
   * Activates {@code vg/lv} on this node under the VG lock; the caller then loads the table.
   * Refused with ActivationConflictException when another node's activation excludes it.
   */
  public Activation activate(String vgUuid, String lvUuid, ActivationMode mode, String command)
      throws IOException, InterruptedException {
    try (LockHandle lock = locks.vg(vgUuid, command, options.commit().lockTimeout())) {
      return activations.activate(lock, vgUuid, lvUuid, mode);
    }
  }

  /** Drops this node's activation of {@code vg/lv}; the caller has removed the table. */
  public void deactivate(String vgUuid, String lvUuid) throws IOException, InterruptedException {
    activations.deactivate(vgUuid, lvUuid);
  }

  public String nodeId() {
    return options.nodeId();
  }

  /** The Curator client these services use (owned by the caller). */
  public CuratorFramework client() {
    return client;
  }

  public ClusterLayout layout() {
    return layout;
  }

  public ConnectionGuard guard() {
    return guard;
  }

  public ClusterLocks locks() {
    return locks;
  }

  public ActivationRegistry activations() {
    return activations;
  }

  public CommitProtocol protocol() {
    return protocol;
  }

  public Propagator propagator() {
    return propagator;
  }

  /** Reduce rounds ("reload everywhere first, then commit") started by this node. */
  public ReduceRounds reductions() {
    return reductions;
  }

  public Fencer fencer() {
    return fencer;
  }

  public StatusReader status() {
    return status;
  }

  public NodeRegistry registry() {
    return registry;
  }

  /** The meters of this node's services (no-op ones unless the daemon exports metrics). */
  public ClusterMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() throws IOException {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    propagator.close();
    fencer.close();
    locks.close();
    try {
      registry.close();
    } catch (IOException e) {
      // The ephemeral node goes with the session when the caller closes the client.
      LOG.debug("deregistering {}: {}", options.nodeId(), e.toString());
    }
    guard.close();
  }
}
