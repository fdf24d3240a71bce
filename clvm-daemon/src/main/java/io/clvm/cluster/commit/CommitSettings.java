package io.clvm.cluster.commit;

import java.time.Duration;

/** Bounds of one commit: lock wait, attempts on a version conflict, propagation wait. */
public record CommitSettings(Duration lockTimeout, int attempts, Duration propagationTimeout) {
  public CommitSettings {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }
}
