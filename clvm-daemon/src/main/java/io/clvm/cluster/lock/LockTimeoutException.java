package io.clvm.cluster.lock;

import java.io.IOException;

/** A cluster lock was not granted in time; the message names the lock and its holder. */
public final class LockTimeoutException extends IOException {
  public LockTimeoutException(String message) {
    super(message);
  }
}
