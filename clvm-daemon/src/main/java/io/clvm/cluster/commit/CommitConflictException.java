package io.clvm.cluster.commit;

import java.io.IOException;

/**
 * The version check of the commit point failed: someone else committed since {@code state} was
 * read, so this commit changed nothing and must be recomputed from the new state.
 */
public final class CommitConflictException extends IOException {
  public CommitConflictException(String message) {
    super(message);
  }
}
