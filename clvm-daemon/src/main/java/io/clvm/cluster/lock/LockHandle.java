package io.clvm.cluster.lock;

import io.clvm.cluster.ConnectionGuard;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * A held cluster lock, released by {@link #close()}. Carries the connection {@link #token()} taken
 * before the lock was requested: the holder must pass it to {@link ConnectionGuard#check} before
 * every disk write, which fails once the connection has been interrupted since, because the lock
 * may then have been lost with the session.
 */
public final class LockHandle implements AutoCloseable {
  private final InterProcessMutex mutex;
  private final String path;
  private final ConnectionGuard.Token token;
  private final Timer hold;
  private final long acquiredAt;
  private boolean released;

  LockHandle(
      InterProcessMutex mutex,
      String path,
      ConnectionGuard.Token token,
      Timer hold,
      long acquiredAt) {
    this.mutex = mutex;
    this.path = path;
    this.token = token;
    this.hold = hold;
    this.acquiredAt = acquiredAt;
  }

  public String path() {
    return path;
  }

  public ConnectionGuard.Token token() {
    return token;
  }

  @Override
  public void close() throws IOException {
    if (released) {
      return;
    }
    released = true;
    hold.record(System.nanoTime() - acquiredAt, TimeUnit.NANOSECONDS);
    try {
      mutex.release();
    } catch (IllegalMonitorStateException e) {
      throw e;
    } catch (Exception e) {
      // Curator deletes the lock node with guaranteed(): it retries in the background, and the
      // session's end removes it at the latest. The command's result stands.
      throw new IOException("releasing " + path + ": " + e.getMessage(), e);
    }
  }
}
