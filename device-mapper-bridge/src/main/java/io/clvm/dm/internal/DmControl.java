package io.clvm.dm.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.clvm.dm.DeviceMapperException;
import io.clvm.dm.Errno;
import io.clvm.dm.internal.DmIoctl.Command;
import io.clvm.dm.internal.DmIoctl.Header;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The open {@code /dev/mapper/control} and the one ioctl path every command takes: the interface
 * version the command asks for, only the flags it accepts, a 16 KiB buffer grown while the kernel
 * says {@code DM_BUFFER_FULL_FLAG}, and errno turned into a {@link DeviceMapperException}.
 * Internal: not part of the API.
 */
public final class DmControl implements Closeable {
  /** libdm's initial buffer size; grown by doubling when the kernel says it is full. */
  static final int INITIAL_BUFFER = 16 * 1024;

  static final int MAX_BUFFER = 64 * 1024 * 1024;

  private final String path;
  private final int fd;
  private volatile boolean closed;

  private DmControl(String path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /** Opens the control device, with a clear message when this kernel has no device-mapper. */
  public static DmControl open(String path) throws IOException {
    try {
      return new DmControl(path, LibC.Holder.INSTANCE.open(path, LibC.O_RDWR | LibC.O_CLOEXEC));
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      String hint =
          errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ENXIO
              ? "this kernel has no device-mapper (no " + path + "; modprobe dm-mod)"
              : errno == Errno.EACCES || errno == Errno.EPERM
                  ? "device-mapper needs root (CAP_SYS_ADMIN)"
                  : "cannot open " + path;
      throw new DeviceMapperException("open", path, errno, hint, e);
    }
  }

  /** The result of one command: the header the kernel wrote back and the whole buffer. */
  public record Result(Header header, ByteBuffer buffer) {}

  /**
   * Runs {@code command} on device {@code name} (or none) with the given UUID, flags, target count
   * and data area; returns the kernel's reply.
   */
  public Result ioctl(
      Command command, String name, String uuid, int flags, int targetCount, byte[] data)
      throws DeviceMapperException {
    if (closed) throw new DeviceMapperException(command.name(), name, 0, "control device closed");
    int size = Math.max(INITIAL_BUFFER, DmIoctl.align8(DmIoctl.HEADER_SIZE + data.length) + 1024);
    while (true) {
      Header h = new Header();
      h.version = command.version();
      h.dataSize = size;
      h.dataStart = DmIoctl.HEADER_SIZE;
      h.targetCount = targetCount;
      h.flags = flags & command.allowedFlags();
      h.name = name == null ? "" : name;
      h.uuid = uuid == null ? "" : uuid;
      ByteBuffer out = DmIoctl.allocate(size);
      DmIoctl.writeHeader(out, h);
      out.put(DmIoctl.HEADER_SIZE, data);
      try (Memory mem = new Memory(size)) {
        mem.write(0, out.array(), 0, size);
        try {
          LibC.Holder.INSTANCE.ioctl(fd, new NativeLong(command.request()), mem);
        } catch (LastErrorException e) {
          throw new DeviceMapperException(
              command.name(), name, e.getErrorCode(), Hints.of(command, e.getErrorCode()), e);
        }
        ByteBuffer in = DmIoctl.allocate(size);
        mem.read(0, in.array(), 0, size);
        Header reply = DmIoctl.readHeader(in);
        if (reply.has(DmIoctl.BUFFER_FULL_FLAG)) {
          if (size >= MAX_BUFFER) {
            throw new DeviceMapperException(
                command.name(), name, 0, "reply larger than " + MAX_BUFFER + " bytes");
          }
          size *= 2;
          continue;
        }
        return new Result(reply, in);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      LibC.Holder.INSTANCE.close(fd);
    } catch (LastErrorException e) {
      throw new DeviceMapperException("close", path, e.getErrorCode(), "", e);
    }
  }
}
