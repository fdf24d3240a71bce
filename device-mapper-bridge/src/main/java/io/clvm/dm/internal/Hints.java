package io.clvm.dm.internal;

import io.clvm.dm.Errno;
import io.clvm.dm.internal.DmIoctl.Command;

/** What an errno usually means for a device-mapper command, for the exception message. */
public final class Hints {
  private Hints() {}

  public static String of(Command command, int errno) {
    switch (command) {
      case DM_DEV_CREATE:
        if (errno == Errno.EBUSY) return "a device with this name or UUID already exists";
        break;
      case DM_DEV_REMOVE:
        if (errno == Errno.EBUSY) return "the device is open (in use) and cannot be removed";
        if (errno == Errno.ENXIO) return "no such device";
        break;
      case DM_DEV_RENAME:
        if (errno == Errno.EBUSY) return "a device with the new name already exists";
        if (errno == Errno.ENXIO) return "no such device";
        break;
      case DM_TABLE_LOAD:
        if (errno == Errno.EINVAL) {
          return "the kernel refused the table (unknown target type, bad parameters, or an"
              + " underlying device that is missing or too small; the kernel log says which)";
        }
        if (errno == Errno.ENXIO) return "no such device";
        if (errno == Errno.EBUSY) return "an underlying device is held exclusively by another user";
        break;
      case DM_DEV_SUSPEND:
        if (errno == Errno.EINVAL) {
          return "the new table cannot be used with this device (e.g. a size or block size the"
              + " device's users cannot accept)";
        }
        if (errno == Errno.ENXIO) return "no such device";
        break;
      default:
        if (errno == Errno.ENXIO) return "no such device";
    }
    return "";
  }
}
