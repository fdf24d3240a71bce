package io.clvm.it.iscsi;

import com.sun.nio.file.ExtendedOpenOption;
import io.clvm.testing.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread writing 4 KiB blocks with O_DIRECT and fsync-free, round and round over blocks {@code
 * [0, limit)} of a device; each block carries a tag, its block number and the write's generation.
 * Every completed write's generation is recorded, so that {@link #verify} proves nothing was lost
 * or misplaced, and every I/O error is kept, so that a test can demand none.
 */
final class BlockWriter implements AutoCloseable {
  static final int BLOCK = 4096;

  private final Path device;
  private final String tag;
  private final long[] generation;
  private final Thread thread;
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile long limit;
  private volatile long limitSeen = -1;
  private volatile boolean running = true;

  BlockWriter(Path device, String tag, long initialBlocks, long maxBlocks) {
    this.device = device;
    this.tag = tag;
    this.generation = new long[(int) maxBlocks];
    this.limit = initialBlocks;
    this.thread = new Thread(this::run, "writer-" + tag);
    thread.setDaemon(true);
    thread.start();
    awaitMoreWrites(1);
  }

  static ByteBuffer aligned(int size) {
    return ByteBuffer.allocateDirect(size + BLOCK).alignedSlice(BLOCK).limit(size);
  }

  static FileChannel openDirect(Path dev, boolean write) throws IOException {
    return write
        ? FileChannel.open(
            dev, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)
        : FileChannel.open(dev, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
  }

  private void fill(ByteBuffer buf, long block, long gen) {
    buf.clear();
    buf.order(ByteOrder.LITTLE_ENDIAN);
    byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
    while (buf.remaining() >= 32) {
      buf.putLong(block).putLong(gen).put(t, 0, Math.min(16, t.length));
      for (int i = t.length; i < 16; i++) buf.put((byte) 0);
    }
    buf.flip();
  }

  private void run() {
    ByteBuffer buf = aligned(BLOCK);
    long gen = 0;
    long block = 0;
    try (FileChannel ch = openDirect(device, true)) {
      while (running) {
        long lim = limit;
        limitSeen = lim;
        if (block >= lim) block = 0;
        gen++;
        fill(buf, block, gen);
        long pos = block * BLOCK;
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
        generation[(int) block] = gen;
        writes.incrementAndGet();
        block++;
      }
    } catch (IOException | RuntimeException e) {
      errors.add(e);
    }
  }

  long writes() {
    return writes.get();
  }

  /** Waits until {@code n} more writes than now have completed (fails on an I/O error). */
  void awaitMoreWrites(long n) {
    long total = writes.get() + n;
    Await.until(
        total + " writes to " + device,
        Duration.ofMinutes(1),
        () -> {
          assertNoErrors();
          return writes.get() >= total;
        });
  }

  /** Writes from now on stay below {@code blocks}; returns once the writer follows it. */
  void limit(long blocks) {
    limit = blocks;
    Await.until(
        "writer to follow limit " + blocks, Duration.ofMinutes(1), () -> limitSeen == blocks);
    awaitMoreWrites(1);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(Duration.ofMinutes(1).toMillis());
  }

  private static String tag(ByteBuffer b, int at) {
    byte[] t = new byte[16];
    for (int i = 0; i < 16; i++) t[i] = b.get(at + i);
    return new String(t, StandardCharsets.US_ASCII).replace("\0", "");
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
   * Checks every block of {@code [0, blocks)} read through {@code through} holds its last write.
   */
  void verify(Path through, long blocks) throws IOException {
    ByteBuffer buf = aligned(BLOCK);
    ByteBuffer want = aligned(BLOCK);
    try (FileChannel ch = openDirect(through, false)) {
      for (long b = 0; b < blocks; b++) {
        buf.clear();
        long pos = b * BLOCK;
        while (buf.hasRemaining()) {
          int n = ch.read(buf, pos);
          if (n < 0) throw new AssertionError("short device " + through + " at block " + b);
          pos += n;
        }
        buf.flip();
        long gen = generation[(int) b];
        if (gen == 0) continue; // never written: whatever was there
        fill(want, b, gen);
        if (!buf.equals(want)) {
          int at = 0;
          while (at < BLOCK && buf.get(at) == want.get(at)) at++;
          buf.order(ByteOrder.LITTLE_ENDIAN);
          int unit = at / 32 * 32;
          String found =
              "block "
                  + buf.getLong(unit)
                  + " generation "
                  + buf.getLong(unit + 8)
                  + " tag "
                  + tag(buf, unit + 16);
          throw new AssertionError(
              "block "
                  + b
                  + " of "
                  + through
                  + ": expected generation "
                  + gen
                  + " (tag "
                  + tag
                  + "), first difference at byte "
                  + at
                  + ", where the block says: "
                  + found);
        }
      }
    }
  }
}
