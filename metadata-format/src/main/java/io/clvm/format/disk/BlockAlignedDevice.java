package io.clvm.format.disk;

import java.io.IOException;

/**
 * Turns arbitrary byte writes into whole-block writes. Subclasses implement only block-aligned
 * transfers.
 */
abstract class BlockAlignedDevice implements DiskDevice {
  /**
   * Reads whole blocks: {@code offset} and {@code len} are multiples of the block size, except that
   * the last block may be cut by the end of the device.
   */
  protected abstract void readAligned(long offset, byte[] dst, int off, int len) throws IOException;

  /** Writes whole blocks, with the same alignment rules as {@link #readAligned}. */
  protected abstract void writeAligned(long offset, byte[] src, int off, int len)
      throws IOException;

  @Override
  public void read(long offset, byte[] dst, int off, int len, String structure) throws IOException {
    checkRange(offset, len, structure);
    readUnaligned(offset, dst, off, len);
  }

  /** Reads may be unaligned: block devices without O_DIRECT and files serve any range. */
  protected abstract void readUnaligned(long offset, byte[] dst, int off, int len)
      throws IOException;

  @Override
  public void write(long offset, byte[] src, int off, int len) throws IOException {
    checkRange(offset, len, "write");
    if (len == 0) {
      return;
    }
    long bs = ioUnit();
    long first = offset - offset % bs;
    long end = Math.min(size(), roundUp(offset + len, bs));
    if (first == offset && (end == offset + len)) {
      writeAligned(offset, src, off, len);
      return;
    }
    byte[] blocks = new byte[Math.toIntExact(end - first)];
    // Only the partial head and tail blocks need their old contents.
    readAligned(first, blocks, 0, (int) Math.min(bs, end - first));
    long lastBlock = (end - 1) / bs * bs;
    if (lastBlock > first) {
      readAligned(lastBlock, blocks, (int) (lastBlock - first), (int) (end - lastBlock));
    }
    System.arraycopy(src, off, blocks, (int) (offset - first), len);
    writeAligned(first, blocks, 0, blocks.length);
  }

  /** The unit of every write: the logical block size, or more when the I/O path demands it. */
  protected int ioUnit() {
    return logicalBlockSize();
  }

  static long roundUp(long v, long unit) {
    return (v + unit - 1) / unit * unit;
  }
}
