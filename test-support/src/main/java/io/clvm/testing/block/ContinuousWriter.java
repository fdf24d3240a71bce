package io.clvm.testing.block;

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
 * An application writing through a device while the test changes what is under it (a table reload,
 * a resize, a lost path, a fence): a thread writing 4 KiB blocks with O_DIRECT, round and round
 * over blocks {@code [0, limit)}, every sector in {@link TaggedSectors}' words. It records the
 * generation of every completed write, so that {@link #verify} proves no write was lost or
 * misplaced, and every I/O error, so that a test can demand none (the writer stops at the first).
 */
public final class ContinuousWriter implements AutoCloseable {
  public static final int BLOCK = DirectIo.BLOCK;
  public static final int SECTORS_PER_BLOCK = BLOCK / TaggedSectors.SIZE;

  private static final Duration WAIT = Duration.ofMinutes(2);

  private final Path device;
  private final String tag;
  private final long[] generation;
  private final Thread thread;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile long limit;
  private volatile long limitSeen = -1;
  private volatile boolean running = true;

  /**
   * Starts writing blocks {@code [0, initialBlocks)} of {@code device} (the limit may later grow up
   * to {@code maxBlocks}) and returns after the first completed write.
   */
  public ContinuousWriter(Path device, String tag, long initialBlocks, long maxBlocks) {
    this.device = device;
    this.tag = tag;
    this.generation = new long[(int) maxBlocks];
    this.limit = initialBlocks;
    this.thread = new Thread(this::run, "writer-" + tag);
    thread.setDaemon(true);
    thread.start();
    awaitMoreWrites(1);
  }

  private void run() {
    ByteBuffer buf = DirectIo.aligned(BLOCK);
    long gen = 0;
    long block = 0;
    try (FileChannel ch = DirectIo.open(device, true)) {
      while (running) {
        long lim = limit;
        limitSeen = lim;
        if (block >= lim) {
          block = 0;
        }
        gen++;
        for (int s = 0; s < SECTORS_PER_BLOCK; s++) {
          TaggedSectors.fill(buf, s * TaggedSectors.SIZE, tag, block * SECTORS_PER_BLOCK + s, gen);
        }
        DirectIo.writeFully(ch, buf, block * BLOCK);
        generation[(int) block] = gen;
        writes.incrementAndGet();
        block++;
      }
    } catch (IOException | RuntimeException e) {
      errors.add(e);
    }
  }

  /** The tag every sector carries. */
  public String tag() {
    return tag;
  }

  /** Completed writes so far. */
  public long writes() {
    return writes.get();
  }

  /** Waits until {@code n} more writes than now have completed (fails on an I/O error). */
  public void awaitMoreWrites(long n) {
    long total = writes.get() + n;
    Await.until(
        total + " writes to " + device,
        WAIT,
        () -> {
          assertNoErrors();
          return writes.get() >= total;
        });
  }

  /** Writes from now on stay below {@code blocks}; returns once the writer follows the limit. */
  public void limit(long blocks) {
    limit = blocks;
    Await.until("writer to follow limit " + blocks, WAIT, () -> limitSeen == blocks);
    awaitMoreWrites(1);
  }

  /** Stops the writer and waits for it. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(WAIT.toMillis());
  }

  /** True once a write failed (the writer then stops). */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** The I/O errors so far (at most one: the writer stops at the first). */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /** Fails unless every write completed without an error. */
  public void assertNoErrors() {
    if (!errors.isEmpty()) {
      AssertionError e = new AssertionError(errors.size() + " I/O errors writing " + device);
      errors.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** The generation of the last completed write of {@code block}, 0 if none. */
  public long generation(long block) {
    return generation[(int) block];
  }

  /**
   * Reads blocks {@code [0, blocks)} back through {@code through} and checks each holds its last
   * completed write, or zeros if it was never written (the device started zeroed).
   */
  public void verify(Path through, long blocks) throws IOException {
    verify(through, blocks, true);
  }

  /**
   * Like {@link #verify}, for a device that did not start zeroed: a block never written may hold
   * anything.
   */
  public void verifyWritten(Path through, long blocks) throws IOException {
    verify(through, blocks, false);
  }

  private void verify(Path through, long blocks, boolean unwrittenZero) throws IOException {
    ByteBuffer buf = DirectIo.aligned(BLOCK);
    byte[] raw = new byte[BLOCK];
    try (FileChannel ch = DirectIo.open(through, false)) {
      for (long b = 0; b < blocks; b++) {
        DirectIo.readFully(ch, buf, b * BLOCK); // a short device fails here, written or not
        long gen = generation[(int) b];
        if (gen == 0 && !unwrittenZero) {
          continue;
        }
        buf.rewind();
        buf.get(raw);
        for (int s = 0; s < SECTORS_PER_BLOCK; s++) {
          if (gen == 0) {
            for (int i = 0; i < TaggedSectors.SIZE; i++) {
              if (raw[s * TaggedSectors.SIZE + i] != 0) {
                throw new AssertionError("block " + b + " was never written but is not zero");
              }
            }
          } else {
            TaggedSectors.check(
                raw,
                s * TaggedSectors.SIZE,
                tag,
                b * SECTORS_PER_BLOCK + s,
                gen,
                "read back through " + through);
          }
        }
      }
    }
  }
}
