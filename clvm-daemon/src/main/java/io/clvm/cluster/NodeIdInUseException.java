package io.clvm.cluster;

import java.io.IOException;

/**
 * Another live clvmd is registered with this node id: starting would let two daemons share one
 * node's activations and locks, so clvmd refuses to start instead.
 */
public final class NodeIdInUseException extends IOException {
  public NodeIdInUseException(String message) {
    super(message);
  }
}
