package io.clvm.cluster.activation;

import java.io.IOException;

/** An activation refused because another node's activation excludes it; names that node. */
public final class ActivationConflictException extends IOException {
  public ActivationConflictException(String message) {
    super(message);
  }
}
