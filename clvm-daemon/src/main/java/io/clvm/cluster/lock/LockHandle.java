package io.clvm.cluster.lock;

import io.clvm.cluster.ConnectionGuard;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held cluster lock, released by {@link #close()}. Carries the connection {@link #token()} taken
 * before the lock was requested: the holder must pass it to {@link ConnectionGuard#check} before
 * every disk write, which fails once the connection has been interrupted since, because the lock
 * may then have been lost with the session.
 */
public final class LockHandle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockHandle.class);

  /** Told when the handle let its node go; {@code confirmed}: the delete is known done. */
  interface Release {
    void released(String path, String node, boolean confirmed);
  }

  private final InterProcessMutex mutex;
  private final String path;
  private final String node;
  private final ConnectionGuard.Token token;
  private final Timer hold;
  private final long acquiredAt;
  private final Release onRelease;
  private boolean released;

  LockHandle(
      InterProcessMutex mutex,
      String path,
      String node,
      ConnectionGuard.Token token,
      Timer hold,
      long acquiredAt,
      Release onRelease) {
    this.mutex = mutex;
    this.path = path;
    this.node = node;
    this.token = token;
    this.hold = hold;
    this.acquiredAt = acquiredAt;
    this.onRelease = onRelease;
  }

  public String path() {
    return path;
  }

  /** The lock node this handle holds (its full path). */
  public String node() {
    return node;
  }

  public ConnectionGuard.Token token() {
    return token;
  }

  /**
   * Releases the lock. Never leaves the lock node behind: when Curator's release cannot confirm the
   * delete (the connection is down, or the handle is closed on another thread than the one that
   * took it, which Curator's thread-bound mutex refuses), the node is handed to the orphan sweep,
   * which deletes it as soon as ZooKeeper answers, for as long as this session lives. The command's
   * result stands either way.
   */
  @Override
  public synchronized void close() throws IOException {
    if (released) {
      return;
    }
    released = true;
    hold.record(System.nanoTime() - acquiredAt, TimeUnit.NANOSECONDS);
    boolean confirmed = false;
    try {
      if (mutex.isOwnedByCurrentThread()) {
        mutex.release();
        confirmed = true;
      } else {
        LOG.debug("lock {} released on another thread than its acquirer's", node);
      }
    } catch (Exception e) {
      LOG.warn("releasing {} not confirmed ({}): the orphan sweep deletes it", node, e.toString());
    } finally {
      onRelease.released(path, node, confirmed);
    }
  }
}
