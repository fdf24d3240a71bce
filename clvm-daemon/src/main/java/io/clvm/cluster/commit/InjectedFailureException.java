package io.clvm.cluster.commit;

import java.io.IOException;

/** Thrown by a {@link FailPoint} configured for tests: the commit stops at {@link #step()}. */
public final class InjectedFailureException extends IOException {
  private final CommitStep step;

  public InjectedFailureException(CommitStep step, String vgUuid) {
    super("injected failure after step " + step + " of a commit to VG " + vgUuid);
    this.step = step;
  }

  public CommitStep step() {
    return step;
  }
}
