package io.clvm.it.kernel;

import com.sun.nio.file.ExtendedOpenOption;
import io.clvm.testing.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process's I/O through one node's LV device: a thread writing 4 KiB blocks with O_DIRECT, round
 * and round over the first {@code limit} blocks, keeping every I/O error, so that a test can demand
 * none while the LV's table is reloaded underneath (load, suspend, resume: I/O pauses, never
 * fails).
 */
final class DeviceWriter implements AutoCloseable {
  static final int BLOCK = 4096;

  private final Path device;
  private final Thread thread;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile long limit;
  private volatile boolean running = true;

  DeviceWriter(Path device, long blocks) {
    this.device = device;
    this.limit = blocks;
    this.thread = new Thread(this::run, "writer-" + device.getFileName());
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).slice(0, BLOCK);
    long block = 0;
    try (FileChannel ch =
        FileChannel.open(
            device, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      while (running) {
        if (block >= limit) {
          block = 0;
        }
        buf.clear();
        buf.putLong(0, block).putLong(8, writes.get());
        long pos = block * BLOCK;
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
        writes.incrementAndGet();
        block++;
      }
    } catch (IOException | RuntimeException e) {
      errors.add(e);
    }
  }

  /** Waits until {@code n} more writes have completed; fails at once on an I/O error. */
  void awaitMoreWrites(long n) {
    long target = writes.get() + n;
    Await.until(
        target + " writes to " + device,
        Duration.ofMinutes(1),
        () -> {
          if (!errors.isEmpty()) {
            throw new AssertionError("I/O error on " + device, errors.get(0));
          }
          return writes.get() >= target;
        });
  }

  /** From now on writes go to the first {@code blocks} blocks (e.g. after an extend). */
  void limit(long blocks) {
    limit = blocks;
  }

  List<Throwable> errors() {
    return List.copyOf(errors);
  }

  long writes() {
    return writes.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(Duration.ofMinutes(1).toMillis());
  }
}
