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
 * filter arranges) other than multipath maps, and except the paths of a multipath map.
 */
public final class Devices {
  private Devices() {}

  /** The candidate device paths, in a stable order. */
  public static List<String> candidates(List<String> restriction) {
    return candidates(
        restriction, Path.of("/proc/partitions"), Path.of("/dev"), MultipathComponents.SYSTEM);
  }

  /**
   * The candidates from {@code partitions} (a /proc/partitions), nodes under {@code dev}, with
   * multipath detection on {@code multipath}'s sysfs: device-mapper devices are skipped except
   * multipath maps, and the path devices of a multipath map are skipped (lvm2's
   * multipath_component_detection; see {@link MultipathComponents}).
   */
  static List<String> candidates(
      List<String> restriction, Path partitions, Path dev, MultipathComponents multipath) {
    if (!restriction.isEmpty()) {
      return List.copyOf(restriction);
    }
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(partitions, StandardCharsets.UTF_8)) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 4 || !f[0].matches("\\d+")) {
          continue;
        }
        if (f[3].startsWith("dm-") && !multipath.isMultipath(f[3])) {
          continue; // an LV or another mapping, not a disk (a multipath map is one)
        }
        if ("0".equals(f[2])) {
          continue; // an unattached loop device or an empty drive
        }
        if (multipath.holderOf(f[3]).isPresent()) {
          continue; // one path of a multipath map: the map is scanned instead
        }
        Path p = dev.resolve(f[3]);
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
