package io.clvm.cluster.lock;

import java.util.List;
import java.util.Optional;

/** A lock's holder and its queue, in FIFO order, as any node can read them. */
public record LockView(String path, Optional<LockHolder> holder, List<LockHolder> waiters) {}
