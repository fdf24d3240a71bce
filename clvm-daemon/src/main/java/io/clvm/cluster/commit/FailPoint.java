package io.clvm.cluster.commit;

import java.io.IOException;

/**
 * Called after each named step of a commit. Production uses {@link #NONE}; the fault-injection
 * suite sets {@code testing.failAt} so that a daemon throws or dies at one step, and unit tests
 * inject their own to interleave another writer at an exact point.
 */
@FunctionalInterface
public interface FailPoint {
  FailPoint NONE = (step, vgUuid) -> {};

  void reached(CommitStep step, String vgUuid) throws IOException;

  /** Throws at {@code at}, or halts the JVM like kill -9 when {@code halt}. */
  static FailPoint at(CommitStep at, boolean halt) {
    return (step, vgUuid) -> {
      if (step != at) {
        return;
      }
      if (halt) {
        System.err.println("clvmd: testing.failAt=" + at + ": halting (simulated crash)");
        Runtime.getRuntime().halt(137);
      }
      throw new InjectedFailureException(step, vgUuid);
    };
  }
}
