package io.clvm.dm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.clvm.dm.internal.LibC;
import java.io.IOException;
import java.nio.file.Path;

/** Block device queries the JDK does not offer. */
public final class BlockDevices {
  /** {@code BLKGETSIZE64 = _IOR(0x12, 114, size_t)} from linux/fs.h. */
  static final long BLKGETSIZE64 = 0x80081272L;

  private BlockDevices() {}

  /** The size of a block device in bytes, as {@code blockdev --getsize64} reports it. */
  public static long sizeBytes(Path device) throws IOException {
    LibC c = LibC.Holder.INSTANCE;
    int fd;
    try {
      fd = c.open(device.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("cannot open " + device + ": " + Errno.describe(e.getErrorCode()), e);
    }
    try (Memory size = new Memory(8)) {
      c.ioctl(fd, new NativeLong(BLKGETSIZE64), size);
      return size.getLong(0);
    } catch (LastErrorException e) {
      throw new IOException(
          "BLKGETSIZE64 on " + device + " failed: " + Errno.describe(e.getErrorCode()), e);
    } finally {
      c.close(fd);
    }
  }
}
