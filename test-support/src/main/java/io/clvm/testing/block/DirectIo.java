package io.clvm.testing.block;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * O_DIRECT block I/O on a test device: what an application's I/O through an LV looks like to the
 * kernel (no page cache to hide a lost or misplaced write), in 4 KiB-aligned buffers.
 */
public final class DirectIo {
  /** The alignment and the writers' unit. */
  public static final int BLOCK = 4096;

  private DirectIo() {}

  /** A direct buffer of exactly {@code size} bytes, aligned for O_DIRECT. */
  public static ByteBuffer aligned(int size) {
    // slice(0, size): capacity exactly size, so that clear() cannot let a read or write run past
    // the block (alignedSlice alone leaves up to BLOCK - 1 bytes more, varying per allocation)
    return ByteBuffer.allocateDirect(size + BLOCK).alignedSlice(BLOCK).slice(0, size);
  }

  /** Opens {@code dev} with O_DIRECT, for reading, and writing too with {@code write}. */
  public static FileChannel open(Path dev, boolean write) throws IOException {
    return write
        ? FileChannel.open(
            dev, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)
        : FileChannel.open(dev, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
  }

  /** Writes all of {@code b} at {@code offset}. */
  public static void writeFully(FileChannel ch, ByteBuffer b, long offset) throws IOException {
    b.rewind();
    while (b.hasRemaining()) {
      ch.write(b, offset + b.position());
    }
  }

  /** Reads {@code b.limit()} bytes at {@code offset}; a short device is an error. */
  public static void readFully(FileChannel ch, ByteBuffer b, long offset) throws IOException {
    b.rewind();
    while (b.hasRemaining()) {
      if (ch.read(b, offset + b.position()) < 0) {
        throw new IOException("short read at " + offset);
      }
    }
  }
}
