package io.clvm.engine;

import io.clvm.dm.DeviceMapperException;
import io.clvm.dm.Errno;
import io.clvm.dm.KernelDeviceMapper;

/**
 * The kernel's device-mapper cannot be opened: what lvm2 2.03 (libdevmapper's {@code
 * _open_control}) prints then, line for line, measured on a kernel without device-mapper:
 *
 * <pre>
 *   /dev/mapper/control: open failed: No such device
 *   Failure to communicate with kernel device-mapper driver.
 *   Check that device-mapper is available in the kernel.
 * </pre>
 *
 * (the last line only for root, as lvm2). lvm2's fourth line, "Incompatible libdevmapper … and
 * kernel driver (unknown version).", is about its library, which clvm does not use, and is left
 * out. Thrown before any metadata is written; the commands decide the exit code as lvm2 does.
 */
final class NoDeviceMapperException extends EngineException {
  private static final long serialVersionUID = 1L;

  NoDeviceMapperException(Throwable cause) {
    super(lines(cause, isRoot()), cause);
  }

  /** lvm2's lines for a failed open of the control device. */
  static String lines(Throwable cause, boolean root) {
    String why =
        cause instanceof DeviceMapperException d && d.errno() != 0
            ? Errno.text(d.errno())
            : String.valueOf(cause.getMessage());
    return KernelDeviceMapper.CONTROL
        + ": open failed: "
        + why
        + "\nFailure to communicate with kernel device-mapper driver."
        + (root ? "\nCheck that device-mapper is available in the kernel." : "");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
