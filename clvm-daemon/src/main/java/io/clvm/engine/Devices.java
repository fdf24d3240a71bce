package io.clvm.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which devices a command looks at: the {@code --devices} list (block devices or regular files),
 * else {@code devices.devices} from the configuration, else every block device the kernel lists in
 * /proc/partitions except device-mapper ones (an LV is not scanned as a PV, as lvm2's default
 * filter arranges).
 */
public final class Devices {
  private Devices() {}

  /** The candidate device paths, in a stable order. */
  public static List<String> candidates(List<String> restriction) {
    if (!restriction.isEmpty()) {
      return List.copyOf(restriction);
    }
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/partitions"), StandardCharsets.UTF_8)) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 4 || !f[0].matches("\\d+") || f[3].startsWith("dm-")) {
          continue;
        }
        if ("0".equals(f[2])) {
          continue; // an unattached loop device or an empty drive
        }
        Path p = Path.of("/dev", f[3]);
        if (Files.exists(p)) {
          out.add(p.toString());
        }
      }
    } catch (IOException e) {
      // No /proc (a container without it): nothing to scan but what was named.
    }
    return out;
  }

  /** The device's major and minor numbers, or null for a regular file. */
  public static long[] majorMinor(String device) {
    try {
      Path p = Path.of(device);
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      if ((mode & 0170000) != 0060000) {
        return null;
      }
      long rdev = (Long) Files.getAttribute(p, "unix:rdev");
      // glibc's major()/minor() encoding of dev_t.
      long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
      long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
      return new long[] {major, minor};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
