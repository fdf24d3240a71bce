package io.clvm.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * lvm2's {@code devices/multipath_component_detection}: a disk reached through several paths (two
 * iSCSI sessions to one LUN, two FC HBAs) appears once per path ({@code /dev/sda}, {@code
 * /dev/sdc}) and once more as the dm-multipath device bundling them ({@code /dev/dm-3}, uuid {@code
 * mpath-<wwid>}). All of them show the same PV label; only the multipath device may be used, or a
 * write through one path would bypass the failover and two "copies" of one PV would appear.
 *
 * <p>Detection reads sysfs as lvm2 does: a path device {@code sdX} is a component when one of its
 * {@code /sys/block/sdX/holders/dm-N} has a {@code /sys/block/dm-N/dm/uuid} starting with {@code
 * mpath-} (a partition is a component when its whole disk is). The sysfs root is a parameter so
 * that host tests run on a fake tree.
 */
public final class MultipathComponents {
  /** The prefix multipath-tools (and lvm2's detection) give a multipath map's dm uuid. */
  public static final String UUID_PREFIX = "mpath-";

  /** Detection on this machine's {@code /sys}. */
  public static final MultipathComponents SYSTEM = new MultipathComponents(Path.of("/sys"));

  private final Path sys;

  /**
   * @param sysRoot where sysfs is mounted ({@code /sys}, or a fake tree in tests)
   */
  public MultipathComponents(Path sysRoot) {
    this.sys = sysRoot;
  }

  /** True when the kernel block device {@code name} (e.g. {@code dm-3}) is a multipath map. */
  public boolean isMultipath(String name) {
    if (!name.startsWith("dm-")) {
      return false;
    }
    Path uuid = sys.resolve("block").resolve(name).resolve("dm").resolve("uuid");
    try {
      return Files.readString(uuid, StandardCharsets.UTF_8).strip().startsWith(UUID_PREFIX);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The multipath map ({@code dm-N}) holding the kernel block device {@code name} as one of its
   * paths, if any. A partition ({@code sda1}) is looked up through its whole disk.
   */
  public Optional<String> holderOf(String name) {
    if (name.isEmpty() || name.contains("/")) {
      return Optional.empty();
    }
    Path block = sys.resolve("block").resolve(name);
    if (!Files.isDirectory(block)) {
      // Not a whole disk: a partition's sysfs directory sits inside its disk's.
      Path cls = sys.resolve("class").resolve("block").resolve(name);
      try {
        Path real = cls.toRealPath();
        Path parent = real.getParent();
        if (parent != null && Files.exists(parent.resolve("holders"))) {
          block = parent;
        }
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    Path holders = block.resolve("holders");
    if (!Files.isDirectory(holders)) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(holders)) {
      for (Path h : ds) {
        names.add(h.getFileName().toString());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    names.sort(null);
    for (String h : names) {
      if (isMultipath(h)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /**
   * The kernel name of the block device at {@code devicePath} ({@code /dev/sda} → {@code sda},
   * {@code /dev/mapper/mpatha} → {@code dm-3}), or empty for a regular file or an unknown device.
   */
  public Optional<String> kernelName(String devicePath) {
    Path p = Path.of(devicePath);
    try {
      p = p.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    long[] mm = Devices.majorMinor(p.toString());
    if (mm != null) {
      Path link = sys.resolve("dev").resolve("block").resolve(mm[0] + ":" + mm[1]);
      try {
        return Optional.of(link.toRealPath().getFileName().toString());
      } catch (IOException e) {
        // fall through: a sysfs without dev/block (fake trees): go by the node's name
      }
    }
    Path fn = p.getFileName();
    if (fn == null) {
      return Optional.empty();
    }
    String name = fn.toString();
    if (Files.isDirectory(sys.resolve("block").resolve(name))
        || Files.exists(sys.resolve("class").resolve("block").resolve(name))) {
      return Optional.of(name);
    }
    return Optional.empty();
  }

  /** The multipath map holding the device at {@code devicePath} as a path, if any. */
  public Optional<String> multipathHolderOfPath(String devicePath) {
    return kernelName(devicePath).flatMap(this::holderOf);
  }

  /** True when the device at {@code devicePath} is itself a multipath map. */
  public boolean isMultipathPath(String devicePath) {
    return kernelName(devicePath).map(this::isMultipath).orElse(false);
  }
}
