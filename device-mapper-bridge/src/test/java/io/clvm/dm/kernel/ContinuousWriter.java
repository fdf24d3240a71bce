package io.clvm.dm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.clvm.dm.Sectors;
import io.clvm.testing.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread writing 4 KiB blocks with O_DIRECT through a device, round and round over blocks {@code
 * [0, limit)}, each block saying which sector it is and the write's generation. It records the
 * generation of every completed write, so that {@link #verify} can prove no write was lost or
 * misplaced, and every I/O error, so that the test can demand zero.
 */
final class ContinuousWriter implements AutoCloseable {
  static final int BLOCK = 4096;
  static final int SECTORS_PER_BLOCK = BLOCK / Sectors.SIZE;

  private final Path device;
  private final String tag;
  private final long[] generation;
  private final Thread thread;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile long limit;
  private volatile long limitSeen = -1;
  private volatile boolean running = true;

  ContinuousWriter(Path device, String tag, long initialBlocks, long maxBlocks) {
    this.device = device;
    this.tag = tag;
    this.generation = new long[(int) maxBlocks];
    this.limit = initialBlocks;
    this.thread = new Thread(this::run, "writer-" + tag);
    thread.setDaemon(true);
    thread.start();
    awaitWrites(1);
  }

  private void run() {
    ByteBuffer buf = GuestDisks.aligned(BLOCK);
    long gen = 0;
    long block = 0;
    try (FileChannel ch = GuestDisks.openDirect(device)) {
      while (running) {
        long lim = limit;
        limitSeen = lim;
        if (block >= lim) block = 0;
        gen++;
        for (int s = 0; s < SECTORS_PER_BLOCK; s++) {
          GuestDisks.fillSector(buf, s * Sectors.SIZE, tag, block * SECTORS_PER_BLOCK + s, gen);
        }
        GuestDisks.writeFully(ch, buf, block * BLOCK);
        generation[(int) block] = gen;
        writes.incrementAndGet();
        block++;
      }
    } catch (IOException | RuntimeException e) {
      errors.add(e);
    }
  }

  /** The tag every sector carries. */
  String tag() {
    return tag;
  }

  /** Completed writes so far. */
  long writes() {
    return writes.get();
  }

  /** Waits until {@code n} more writes than now have completed (fails on an I/O error). */
  void awaitMoreWrites(long n) {
    awaitWrites(writes.get() + n);
  }

  private void awaitWrites(long total) {
    Await.until(
        total + " writes to " + device,
        Duration.ofMinutes(2),
        () -> {
          if (!errors.isEmpty()) throw new AssertionError("write failed", errors.get(0));
          return writes.get() >= total;
        });
  }

  /**
   * Writes from now on stay below {@code blocks}; returns once the writer follows the new limit.
   */
  void limit(long blocks) {
    limit = blocks;
    Await.until(
        "writer to follow limit " + blocks, Duration.ofMinutes(1), () -> limitSeen == blocks);
    awaitMoreWrites(1);
  }

  /** Stops the writer and waits for it. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(Duration.ofMinutes(2).toMillis());
  }

  /** True once a write failed (the writer then stops). */
  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Fails unless every write completed without an error. */
  void assertNoErrors() {
    if (!errors.isEmpty()) {
      AssertionError e = new AssertionError(errors.size() + " I/O errors writing " + device);
      errors.forEach(e::addSuppressed);
      throw e;
    }
  }

  /**
   * Reads blocks {@code [0, blocks)} back through {@code through} and checks each holds its last
   * completed write (or zeros, if never written).
   */
  void verify(Path through, long blocks) throws IOException {
    ByteBuffer buf = GuestDisks.aligned(BLOCK);
    byte[] raw = new byte[BLOCK];
    try (FileChannel ch = GuestDisks.openDirect(through)) {
      for (long b = 0; b < blocks; b++) {
        GuestDisks.readFully(ch, buf, b * BLOCK);
        buf.rewind();
        buf.get(raw);
        long gen = generation[(int) b];
        for (int s = 0; s < SECTORS_PER_BLOCK; s++) {
          if (gen == 0) {
            for (int i = 0; i < Sectors.SIZE; i++) {
              if (raw[s * Sectors.SIZE + i] != 0) {
                fail("block " + b + " was never written but is not zero");
              }
            }
          } else {
            GuestDisks.assertSector(
                raw,
                s * Sectors.SIZE,
                tag,
                b * SECTORS_PER_BLOCK + s,
                gen,
                "read back through " + through);
          }
        }
      }
    }
  }

  /** The generation of the last completed write of {@code block}, 0 if none. */
  long generation(long block) {
    return generation[(int) block];
  }

  void assertWritten(long block) {
    assertEquals(true, generation[(int) block] > 0, "block " + block + " written");
  }
}
