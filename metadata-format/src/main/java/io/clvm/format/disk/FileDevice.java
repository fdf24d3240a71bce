package io.clvm.format.disk;

import com.sun.nio.file.ExtendedOpenOption;
import io.clvm.format.MetadataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A block device or a regular file used as a PV.
 *
 * <p>Block devices are read and written with {@code O_DIRECT}, as lvm2 does: on shared storage
 * another host may have rewritten the metadata, and the page cache would serve the old bytes. Java
 * aligns direct transfers to the block size of the file system holding the device node (4096 on
 * devtmpfs), so on block devices every transfer is widened to that unit. The unaligned tail of an
 * odd-sized device, and devices that refuse {@code O_DIRECT}, go through the page cache.
 *
 * <p>The logical block size of a block device comes from sysfs ({@code
 * /sys/dev/block/<major>:<minor>/queue/logical_block_size}, the value the {@code BLKSSZGET} ioctl
 * returns), found through the device number so that symlinks such as {@code /dev/mapper/x} work.
 * Regular files have 512-byte blocks unless told otherwise.
 */
public final class FileDevice extends BlockAlignedDevice {
  private static final int S_IFMT = 0170000;
  private static final int S_IFBLK = 0060000;

  private final String name;
  private final FileChannel channel;
  private final FileChannel direct;
  private final int directAlign;
  private final long size;
  private final int blockSize;

  private FileDevice(
      String name,
      FileChannel channel,
      FileChannel direct,
      int directAlign,
      long size,
      int blockSize) {
    this.name = name;
    this.channel = channel;
    this.direct = direct;
    this.directAlign = directAlign;
    this.size = size;
    this.blockSize = blockSize;
  }

  /** Opens a device or file for reading only. */
  public static FileDevice openReadOnly(Path path) throws IOException {
    return open(path, false, 0);
  }

  /** Opens a device or file for reading and writing. */
  public static FileDevice openReadWrite(Path path) throws IOException {
    return open(path, true, 0);
  }

  /**
   * Opens a device or file.
   *
   * @param fileBlockSize block size to assume for a regular file (512 or 4096), 0 for 512; ignored
   *     for block devices, whose own size is used
   */
  public static FileDevice open(Path path, boolean writable, int fileBlockSize) throws IOException {
    List<OpenOption> opts = new ArrayList<>(List.of(StandardOpenOption.READ));
    if (writable) {
      opts.add(StandardOpenOption.WRITE);
    }
    String name = path.toString();
    if (isBlockDevice(path)) {
      Path sys = sysfsDir(path);
      long size = Long.parseLong(Files.readString(sys.resolve("size")).trim()) * 512;
      int bs =
          Integer.parseInt(Files.readString(queueDir(sys).resolve("logical_block_size")).trim());
      FileChannel ch = FileChannel.open(path, opts.toArray(OpenOption[]::new));
      FileChannel direct = null;
      int align = bs;
      try {
        opts.add(ExtendedOpenOption.DIRECT);
        align = Math.max(bs, Math.toIntExact(Files.getFileStore(path).getBlockSize()));
        direct = FileChannel.open(path, opts.toArray(OpenOption[]::new));
      } catch (IOException | UnsupportedOperationException e) {
        align = bs; // no O_DIRECT here: the page cache it is
      }
      return new FileDevice(name, ch, direct, align, size, bs);
    }
    FileChannel ch = FileChannel.open(path, opts.toArray(OpenOption[]::new));
    int bs = fileBlockSize == 0 ? DiskFormat.SECTOR_SIZE : fileBlockSize;
    return new FileDevice(name, ch, null, bs, ch.size(), bs);
  }

  static boolean isBlockDevice(Path path) throws IOException {
    int mode = (Integer) Files.getAttribute(path, "unix:mode");
    return (mode & S_IFMT) == S_IFBLK;
  }

  private static Path sysfsDir(Path dev) throws IOException {
    long rdev = (Long) Files.getAttribute(dev, "unix:rdev");
    // glibc's major()/minor() encoding of dev_t.
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    return Path.of("/sys/dev/block/" + major + ":" + minor).toRealPath();
  }

  /** Partitions have no queue directory of their own; their disk's applies. */
  private static Path queueDir(Path sys) {
    Path q = sys.resolve("queue");
    return Files.isDirectory(q) ? q : sys.getParent().resolve("queue");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int logicalBlockSize() {
    return blockSize;
  }

  /** Whether transfers bypass the page cache. */
  public boolean isDirect() {
    return direct != null;
  }

  @Override
  protected int ioUnit() {
    return directAlign;
  }

  @Override
  protected void readAligned(long offset, byte[] dst, int off, int len) throws IOException {
    readUnaligned(offset, dst, off, len);
  }

  @Override
  protected void readUnaligned(long offset, byte[] dst, int off, int len) throws IOException {
    if (direct == null) {
      transfer(channel, offset, ByteBuffer.wrap(dst, off, len), false);
      return;
    }
    long first = offset - offset % directAlign;
    long end = roundUp(offset + len, directAlign);
    if (end > size) {
      transfer(channel, offset, ByteBuffer.wrap(dst, off, len), false);
      return;
    }
    ByteBuffer buf = alignedBuffer(end - first);
    transfer(direct, first, buf, false);
    buf.position((int) (offset - first));
    buf.get(dst, off, len);
  }

  @Override
  protected void writeAligned(long offset, byte[] src, int off, int len) throws IOException {
    if (direct == null || len % directAlign != 0) {
      transfer(channel, offset, ByteBuffer.wrap(src, off, len), true);
      return;
    }
    ByteBuffer buf = alignedBuffer(len);
    buf.put(src, off, len).flip();
    transfer(direct, offset, buf, true);
  }

  private ByteBuffer alignedBuffer(long len) {
    int n = Math.toIntExact(len);
    ByteBuffer b = ByteBuffer.allocateDirect(n + directAlign).alignedSlice(directAlign);
    return b.limit(n);
  }

  private void transfer(FileChannel ch, long offset, ByteBuffer buf, boolean write)
      throws IOException {
    long pos = offset;
    while (buf.hasRemaining()) {
      int n = write ? ch.write(buf, pos) : ch.read(buf, pos);
      if (n < 0) {
        throw new MetadataException(
            MetadataException.Kind.TRUNCATED, name, pos, "read", "unexpected end of device");
      }
      pos += n;
    }
    if (write && ch == channel && direct != null) {
      // A buffered write next to direct I/O must reach the disk before the next direct read.
      channel.force(false);
    }
  }

  @Override
  public void flush() throws IOException {
    channel.force(false);
    if (direct != null) {
      direct.force(false);
    }
  }

  @Override
  public void close() throws IOException {
    try (FileChannel c = channel) {
      if (direct != null) {
        direct.close();
      }
    }
  }
}
