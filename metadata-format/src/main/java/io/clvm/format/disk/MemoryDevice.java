package io.clvm.format.disk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PV held in memory, for tests and simulations. It insists on whole-block writes (proving the
 * read-modify-write of {@link BlockAlignedDevice}) and records every write.
 */
public final class MemoryDevice extends BlockAlignedDevice {
  /** One block-aligned write as it reached the device. */
  public record Write(long offset, int length) {}

  private final String name;
  private final byte[] data;
  private final int blockSize;
  private final List<Write> writes = new ArrayList<>();
  private int flushes;

  public MemoryDevice(String name, int size, int blockSize) {
    this(name, new byte[size], blockSize);
  }

  /** Wraps {@code data} (not copied). */
  public MemoryDevice(String name, byte[] data, int blockSize) {
    if (blockSize != 512 && blockSize != 4096) {
      throw new IllegalArgumentException("block size " + blockSize);
    }
    this.name = name;
    this.data = data;
    this.blockSize = blockSize;
  }

  /** The device's bytes (live, not a copy). */
  public byte[] bytes() {
    return data;
  }

  public List<Write> writes() {
    return List.copyOf(writes);
  }

  public int flushes() {
    return flushes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public int logicalBlockSize() {
    return blockSize;
  }

  @Override
  protected void readAligned(long offset, byte[] dst, int off, int len) throws IOException {
    checkAligned(offset, len);
    readUnaligned(offset, dst, off, len);
  }

  @Override
  protected void readUnaligned(long offset, byte[] dst, int off, int len) {
    System.arraycopy(data, (int) offset, dst, off, len);
  }

  @Override
  protected void writeAligned(long offset, byte[] src, int off, int len) throws IOException {
    checkAligned(offset, len);
    System.arraycopy(src, off, data, (int) offset, len);
    writes.add(new Write(offset, len));
  }

  private void checkAligned(long offset, int len) throws IOException {
    boolean endOk = (offset + len) % blockSize == 0 || offset + len == data.length;
    if (offset % blockSize != 0 || !endOk) {
      throw new IOException(
          name
              + ": unaligned transfer at "
              + offset
              + " length "
              + len
              + " on "
              + blockSize
              + "-byte blocks");
    }
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return name + Arrays.toString(new long[] {data.length, blockSize});
  }
}
