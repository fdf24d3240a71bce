package io.clvm.format.disk;

import io.clvm.format.MetadataException;
import java.io.Closeable;
import java.io.IOException;

/**
 * A PV's backing store: a block device, a regular file, or memory.
 *
 * <p>Offsets and lengths are in bytes and may be arbitrary; implementations turn every write into
 * whole logical blocks (read-modify-write at the edges), because a 4096-byte-sector device must
 * never see a partial-block write.
 */
public interface DiskDevice extends Closeable {
  /** The name used in messages, e.g. {@code /dev/loop0}. */
  String name();

  /** Size in bytes. */
  long size();

  /** Logical block size in bytes: 512 or 4096. */
  int logicalBlockSize();

  /**
   * Reads exactly {@code len} bytes.
   *
   * @param structure what is being read, named in the error when the device is too short
   * @throws MetadataException of kind {@link MetadataException.Kind#TRUNCATED} when the range
   *     extends past the end of the device
   */
  void read(long offset, byte[] dst, int off, int len, String structure) throws IOException;

  default byte[] read(long offset, int len, String structure) throws IOException {
    byte[] b = new byte[len];
    read(offset, b, 0, len, structure);
    return b;
  }

  /** Writes {@code len} bytes, as whole logical blocks. */
  void write(long offset, byte[] src, int off, int len) throws IOException;

  default void write(long offset, byte[] src) throws IOException {
    write(offset, src, 0, src.length);
  }

  /** Makes every write so far durable before returning. */
  void flush() throws IOException;

  /** Throws TRUNCATED when {@code [offset, offset+len)} is not inside the device. */
  default void checkRange(long offset, long len, String structure) throws MetadataException {
    if (offset < 0 || len < 0 || offset + len > size()) {
      throw new MetadataException(
          MetadataException.Kind.TRUNCATED,
          name(),
          offset,
          structure,
          "device is truncated: needs bytes "
              + offset
              + ".."
              + (offset + len - 1)
              + " but the device has "
              + size()
              + " bytes");
    }
  }
}
