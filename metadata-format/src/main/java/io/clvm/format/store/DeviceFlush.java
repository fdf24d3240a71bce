package io.clvm.format.store;

import io.clvm.format.disk.DiskDevice;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Flushes several devices at once. A commit writes to every PV of the VG and then must wait until
 * each of them has its data on stable storage before the next step (the precommit's header, the
 * commit's header, the cluster's commit point): flushing the PVs one after the other made that wait
 * the sum of their flush latencies (three LUNs: three round trips to the storage), flushing them
 * together makes it the slowest one. What is flushed, and that every flush has completed before
 * this returns, are unchanged.
 */
final class DeviceFlush {
  private DeviceFlush() {}

  /** Threads for the flushes beyond the first (which runs on the caller's thread). */
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "clvm-flush");
            t.setDaemon(true);
            return t;
          });

  /** Flushes each distinct device of {@code devices}; the first failure is thrown. */
  static void all(List<? extends DiskDevice> devices) throws IOException {
    List<DiskDevice> distinct = new ArrayList<>(new LinkedHashSet<>(devices));
    if (distinct.size() <= 1) {
      for (DiskDevice d : distinct) {
        d.flush();
      }
      return;
    }
    List<Future<?>> others = new ArrayList<>();
    for (DiskDevice d : distinct.subList(1, distinct.size())) {
      others.add(
          POOL.submit(
              () -> {
                try {
                  d.flush();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }));
    }
    IOException failure = null;
    try {
      distinct.get(0).flush();
    } catch (IOException e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> f : others) {
      // Every flush is waited for, even after a failure: none may still run when this returns.
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          IOException x =
              e.getCause() instanceof UncheckedIOException u
                  ? u.getCause()
                  : new IOException(e.getCause());
          if (failure == null) {
            failure = x;
          } else {
            failure.addSuppressed(x);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (failure == null) {
        failure = new InterruptedIOException("interrupted while flushing");
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
