package io.clvm.format.disk;

import io.clvm.format.MetadataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * A block device or a regular file used as a PV.
 *
 * <p>The logical block size of a block device comes from sysfs ({@code
 * /sys/dev/block/<major>:<minor>/queue/logical_block_size}, the value the {@code BLKSSZGET} ioctl
 * returns), found through the device number so that symlinks such as {@code /dev/mapper/x} work.
 * Regular files have 512-byte blocks unless told otherwise. The size of a block device comes from
 * the same place ({@code size}, in 512-byte sectors), because {@code fstat} reports 0 for it.
 */
public final class FileDevice extends BlockAlignedDevice {
  private static final int S_IFMT = 0170000;
  private static final int S_IFBLK = 0060000;

  private final String name;
  private final FileChannel channel;
  private final long size;
  private final int blockSize;

  private FileDevice(String name, FileChannel channel, long size, int blockSize) {
    this.name = name;
    this.channel = channel;
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
    Set<StandardOpenOption> opts =
        writable
            ? EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
            : EnumSet.of(StandardOpenOption.READ);
    String name = path.toString();
    if (isBlockDevice(path)) {
      Path sys = sysfsDir(path);
      long size = Long.parseLong(Files.readString(sys.resolve("size")).trim()) * 512;
      int bs =
          Integer.parseInt(Files.readString(queueDir(sys).resolve("logical_block_size")).trim());
      return new FileDevice(name, FileChannel.open(path, opts), size, bs);
    }
    FileChannel ch = FileChannel.open(path, opts);
    int bs = fileBlockSize == 0 ? DiskFormat.SECTOR_SIZE : fileBlockSize;
    return new FileDevice(name, ch, ch.size(), bs);
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

  @Override
  protected void readAligned(long offset, byte[] dst, int off, int len) throws IOException {
    readUnaligned(offset, dst, off, len);
  }

  @Override
  protected void readUnaligned(long offset, byte[] dst, int off, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
    long pos = offset;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new MetadataException(
            MetadataException.Kind.TRUNCATED, name, pos, "read", "unexpected end of device");
      }
      pos += n;
    }
  }

  @Override
  protected void writeAligned(long offset, byte[] src, int off, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(src, off, len);
    long pos = offset;
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
  }

  @Override
  public void flush() throws IOException {
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
