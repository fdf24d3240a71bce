package io.clvm.cluster.lock;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Optional;

/**
 * A lock's holder (null when free) and its queue, in FIFO order, as any node can read them.
 * Serialized as is into {@code clvm cluster status}.
 */
public record LockView(String path, LockHolder holder, List<LockHolder> waiters) {
  /** The holder, if the lock is taken. */
  @JsonIgnore
  public Optional<LockHolder> current() {
    return Optional.ofNullable(holder);
  }
}
