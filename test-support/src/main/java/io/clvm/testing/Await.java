package io.clvm.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on a condition with a timeout: the only way tests wait. A bare sleep hides races on a
 * fast machine and fails on a slow one; a condition says what is being waited for.
 */
public final class Await {
  private static final double TIMING_MULTIPLE =
      Double.parseDouble(System.getProperty("clvm.timingMultiple", "1"));

  private Await() {}

  /** Waits until {@code condition} holds, polling, or fails naming {@code what}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + (long) (timeout.toNanos() * TIMING_MULTIPLE);
    long pause = 1;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      parkMillis(pause);
      pause = Math.min(pause * 2, 50);
    }
  }

  /** Waits until {@code value} yields a non-null result and returns it. */
  public static <T> T value(String what, Duration timeout, Supplier<T> value) {
    Object[] holder = new Object[1];
    until(what, timeout, () -> (holder[0] = value.get()) != null);
    @SuppressWarnings("unchecked")
    T result = (T) holder[0];
    return result;
  }

  private static void parkMillis(long millis) {
    java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000L);
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting");
    }
  }
}
