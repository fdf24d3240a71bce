package io.clvm.dm;

import java.io.IOException;
import java.util.Optional;

/**
 * A device-mapper command failed: names the command ({@code DM_TABLE_LOAD}…), the device, the errno
 * and what it usually means for that command.
 */
public class DeviceMapperException extends IOException {
  private final String command;
  private final String device;
  private final int errno;

  public DeviceMapperException(String command, String device, int errno, String detail) {
    this(command, device, errno, detail, null);
  }

  public DeviceMapperException(
      String command, String device, int errno, String detail, Throwable cause) {
    super(message(command, device, errno, detail), cause);
    this.command = command;
    this.device = device;
    this.errno = errno;
  }

  private static String message(String command, String device, int errno, String detail) {
    StringBuilder b = new StringBuilder("device-mapper ").append(command);
    if (device != null && !device.isEmpty()) b.append(" on ").append(device);
    b.append(" failed");
    if (errno != 0) b.append(": ").append(Errno.describe(errno));
    if (detail != null && !detail.isEmpty()) b.append(": ").append(detail);
    return b.toString();
  }

  /** The device-mapper command, e.g. {@code DM_DEV_REMOVE}. */
  public String command() {
    return command;
  }

  /** The device the command was for, if any. */
  public Optional<String> device() {
    return Optional.ofNullable(device);
  }

  /** The error number, or 0 when the failure was not an errno. */
  public int errno() {
    return errno;
  }
}
