package io.clvm.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows whether the ZooKeeper connection may be trusted right now, and is asked immediately before
 * every disk write.
 *
 * <p>One {@link #stateChanged} switch, as in Curator's LeaderLatch: SUSPENDED and LOST make the
 * connection untrusted at once and bump a generation counter; RECONNECTED does not restore trust by
 * itself: the registered {@link Revalidator}s run first (a round trip to the ensemble, fencing's
 * ownership check, ...), and only when all succeed is the connection GOOD again. A caller captures
 * a {@link Token} when it takes its cluster lock; {@link #check(Token)} fails if the connection is
 * not GOOD now or has not stayed GOOD since, because after a suspension the lock may have been lost
 * and taken by another node even if the connection came back.
 */
public final class ConnectionGuard implements ConnectionStateListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** How far the connection may be trusted. */
  public enum Health {
    /** Not connected yet. */
    CONNECTING,
    GOOD,
    SUSPENDED,
    /** Reconnected; revalidation running. */
    REVALIDATING,
    /** Session expired (or presumed so by Curator); ephemeral nodes and locks are gone. */
    LOST,
    CLOSED
  }

  /** Work that must succeed after a reconnect before the connection is trusted again. */
  public interface Revalidator {
    /** {@code newSession}: the session was lost in between, so every ephemeral node is gone. */
    void revalidate(CuratorFramework client, boolean newSession) throws Exception;
  }

  /** Proof that the connection was GOOD at some generation. */
  public record Token(long generation) {}

  private final CuratorFramework client;
  private final String probePath;
  private final List<Revalidator> revalidators = new CopyOnWriteArrayList<>();
  private final List<Consumer<Health>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService revalidation =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-revalidate");
            t.setDaemon(true);
            return t;
          });
  private Health health = Health.CONNECTING;
  private long generation;
  private boolean sessionLost;

  /** {@code probePath}: read on every revalidation to prove a round trip works. */
  public ConnectionGuard(CuratorFramework client, String probePath) {
    this.client = client;
    this.probePath = probePath;
    client.getConnectionStateListenable().addListener(this);
    if (client.getZookeeperClient().isConnected()) {
      health = Health.GOOD;
    }
  }

  public void addRevalidator(Revalidator r) {
    revalidators.add(r);
  }

  /** Called (on a Curator or revalidation thread) on every health change. */
  public void addListener(Consumer<Health> listener) {
    listeners.add(listener);
  }

  public synchronized Health health() {
    return health;
  }

  public synchronized long generation() {
    return generation;
  }

  /** A token for now, or an exception if the connection is not GOOD. */
  public synchronized Token token() throws ClusterUnavailableException {
    if (health != Health.GOOD) {
      throw new ClusterUnavailableException("ZooKeeper connection is " + health);
    }
    return new Token(generation);
  }

  /** Fails unless the connection is GOOD and has stayed so since {@code token} was taken. */
  public synchronized void check(Token token) throws ClusterUnavailableException {
    if (health != Health.GOOD) {
      throw new ClusterUnavailableException(
          "ZooKeeper connection is " + health + ": refusing to write");
    }
    if (generation != token.generation()) {
      throw new ClusterUnavailableException(
          "ZooKeeper connection was interrupted since the lock was taken: refusing to write");
    }
  }

  /** Waits until the connection is GOOD; false on timeout. */
  public synchronized boolean awaitGood(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (health != Health.GOOD) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || health == Health.CLOSED) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  public void stateChanged(CuratorFramework c, ConnectionState newState) {
    switch (newState) {
      case CONNECTED -> {
        // The first connection. It may be queued behind our construction, when the client was
        // already connected and health is GOOD: nothing to do then.
        if (health() == Health.CONNECTING) {
          startRevalidation(false);
        }
      }
      case SUSPENDED, READ_ONLY -> transition(Health.SUSPENDED, true);
      case LOST -> {
        synchronized (this) {
          sessionLost = true;
        }
        transition(Health.LOST, true);
      }
      case RECONNECTED -> startRevalidation(true);
    }
  }

  private void startRevalidation(boolean reconnect) {
    long gen;
    boolean newSession;
    synchronized (this) {
      if (health == Health.CLOSED) {
        return;
      }
      gen = generation;
      newSession = sessionLost;
    }
    if (!reconnect && revalidators.isEmpty()) {
      transitionIf(gen, Health.GOOD);
      return;
    }
    transition(Health.REVALIDATING, false);
    revalidation.execute(() -> revalidate(gen, newSession));
  }

  private void revalidate(long gen, boolean newSession) {
    try {
      client.checkExists().forPath(probePath);
      for (Revalidator r : revalidators) {
        r.revalidate(client, newSession);
      }
    } catch (Exception e) {
      LOG.warn("revalidation after reconnect failed, connection stays untrusted: {}", e.toString());
      return; // the next SUSPENDED/RECONNECTED cycle tries again
    }
    synchronized (this) {
      if (generation == gen) {
        sessionLost = false;
      }
    }
    if (transitionIf(gen, Health.GOOD)) {
      LOG.info("ZooKeeper connection revalidated{}", newSession ? " (new session)" : "");
    }
  }

  private boolean transitionIf(long gen, Health to) {
    synchronized (this) {
      if (generation != gen || health == Health.CLOSED) {
        return false;
      }
      health = to;
      notifyAll();
    }
    listeners.forEach(l -> l.accept(to));
    return true;
  }

  private void transition(Health to, boolean bump) {
    synchronized (this) {
      if (health == Health.CLOSED) {
        return;
      }
      health = to;
      if (bump) {
        generation++;
      }
      notifyAll();
    }
    if (to == Health.SUSPENDED || to == Health.LOST) {
      LOG.warn("ZooKeeper connection {}: no metadata or table writes until revalidated", to);
    }
    listeners.forEach(l -> l.accept(to));
  }

  @Override
  public void close() {
    client.getConnectionStateListenable().removeListener(this);
    transition(Health.CLOSED, true);
    revalidation.shutdownNow();
  }
}
