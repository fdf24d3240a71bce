package io.clvm.cluster;

import java.io.IOException;

/**
 * The ZooKeeper connection is not known good (suspended, lost, or reconnected but not yet
 * revalidated), or it changed since the caller took its lock: the caller must not write to any
 * metadata area or device-mapper table and should fail the command.
 */
public final class ClusterUnavailableException extends IOException {
  public ClusterUnavailableException(String message) {
    super(message);
  }

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
