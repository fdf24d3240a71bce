package io.clvm.dm;

import java.util.Map;

/** The errno values device-mapper commands return, by name, for messages and for callers. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ENOTTY = 25;
  public static final int ENAMETOOLONG = 36;

  private static final Map<Integer, String[]> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, new String[] {"EPERM", "Operation not permitted"}),
          Map.entry(ENOENT, new String[] {"ENOENT", "No such file or directory"}),
          Map.entry(EIO, new String[] {"EIO", "Input/output error"}),
          Map.entry(ENXIO, new String[] {"ENXIO", "No such device or address"}),
          Map.entry(EBADF, new String[] {"EBADF", "Bad file descriptor"}),
          Map.entry(ENOMEM, new String[] {"ENOMEM", "Cannot allocate memory"}),
          Map.entry(EACCES, new String[] {"EACCES", "Permission denied"}),
          Map.entry(EFAULT, new String[] {"EFAULT", "Bad address"}),
          Map.entry(EBUSY, new String[] {"EBUSY", "Device or resource busy"}),
          Map.entry(EEXIST, new String[] {"EEXIST", "File exists"}),
          Map.entry(ENODEV, new String[] {"ENODEV", "No such device"}),
          Map.entry(EINVAL, new String[] {"EINVAL", "Invalid argument"}),
          Map.entry(ENOTTY, new String[] {"ENOTTY", "Inappropriate ioctl for device"}),
          Map.entry(ENOSPC, new String[] {"ENOSPC", "No space left on device"}),
          Map.entry(ENAMETOOLONG, new String[] {"ENAMETOOLONG", "File name too long"}));

  private Errno() {}

  /** The C library's text for {@code errno} ({@code strerror}), e.g. "No such device". */
  public static String text(int errno) {
    String[] n = NAMES.get(errno);
    return n == null ? "Unknown error " + errno : n[1];
  }

  /** {@code EBUSY (Device or resource busy)}, or {@code errno 123} for an unknown value. */
  public static String describe(int errno) {
    String[] n = NAMES.get(errno);
    return n == null ? "errno " + errno : n[0] + " (" + n[1] + ")";
  }
}
