package io.clvm.dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block device's {@code major:minor}, as device-mapper tables name devices.
 *
 * @param major the major number
 * @param minor the minor number
 */
public record DeviceNumber(int major, int minor) {
  /** Checks the ranges the kernel allows (12-bit major, 20-bit minor). */
  public DeviceNumber {
    if (major < 0 || major > 0xfff) throw new IllegalArgumentException("bad major " + major);
    if (minor < 0 || minor > 0xfffff) throw new IllegalArgumentException("bad minor " + minor);
  }

  /** Parses {@code major:minor}. */
  public static DeviceNumber parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not a major:minor device number: \"" + text + "\"");
    }
    try {
      return new DeviceNumber(
          Integer.parseInt(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a major:minor device number: \"" + text + "\"", e);
    }
  }

  /** The device number of a block device node such as {@code /dev/loop0}. */
  public static DeviceNumber ofNode(Path node) throws IOException {
    Object rdev = Files.getAttribute(node, "unix:rdev");
    if (!(rdev instanceof Long) || ((Long) rdev) == 0) {
      throw new IOException(node + " is not a device node");
    }
    return fromUserspace((Long) rdev);
  }

  /** Decodes a {@code dev_t} as glibc encodes it ({@code gnu_dev_major/minor}). */
  public static DeviceNumber fromUserspace(long dev) {
    long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    return new DeviceNumber((int) major, (int) minor);
  }

  /** Encodes as glibc's {@code makedev}, for {@code mknod}. */
  public long toUserspace() {
    long ma = major;
    long mi = minor;
    return ((ma & 0xfffff000L) << 32)
        | ((ma & 0xfff) << 8)
        | ((mi & 0xffffff00L) << 12)
        | (mi & 0xff);
  }

  /** Decodes the kernel's {@code huge_encode_dev} form used in {@code struct dm_ioctl.dev}. */
  public static DeviceNumber fromKernel(long dev) {
    int major = (int) ((dev & 0xfff00) >>> 8);
    int minor = (int) ((dev & 0xff) | ((dev >>> 12) & 0xfff00));
    return new DeviceNumber(major, minor);
  }

  /** Encodes as the kernel's {@code huge_encode_dev}. */
  public long toKernel() {
    long mi = minor;
    return (mi & 0xff) | ((long) major << 8) | ((mi & ~0xffL) << 12);
  }

  /** {@code major:minor}. */
  @Override
  public String toString() {
    return major + ":" + minor;
  }
}
