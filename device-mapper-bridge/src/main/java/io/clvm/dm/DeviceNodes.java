package io.clvm.dm;

import com.sun.jna.LastErrorException;
import io.clvm.dm.internal.LibC;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The {@code /dev} entries udev would make for device-mapper devices, made by hand where no udev
 * runs (a container, a minimal guest): the block device node {@code /dev/mapper/<name>} and lvm2's
 * link {@code /dev/<vg>/<lv> -> ../mapper/<name>}. {@link #AUTO} leaves them to udev when it is
 * running ({@code /run/udev/control} exists), with one exception: the bridge does not use udev
 * cookies, so udev makes {@code /dev/mapper/<name>} only when it gets to the resume's change event,
 * some time after the call returned; a caller opening the node at once (lvcreate wiping the new
 * LV's first block) would race it. So with udev running a missing node is still made here (udev
 * later replaces it by its own symlink to {@code ../dm-N}), and removed here on device removal
 * unless udev has already replaced it (a symlink is udev's to remove).
 */
public final class DeviceNodes {
  /** Makes nodes under {@code /dev} unless udev runs. */
  public static final DeviceNodes AUTO = new DeviceNodes(Path.of("/dev"), Mode.AUTO);

  /** Never touches {@code /dev}. */
  public static final DeviceNodes NONE = new DeviceNodes(Path.of("/dev"), Mode.NEVER);

  /** Whether to make nodes. */
  public enum Mode {
    /** Unless udev runs. */
    AUTO,
    /** Always (udev or not). */
    ALWAYS,
    /** Never. */
    NEVER
  }

  private final Path dev;
  private final Mode mode;
  private final Path udevControl;

  public DeviceNodes(Path devDirectory, Mode mode) {
    this(devDirectory, mode, Path.of("/run/udev/control"));
  }

  /** With {@code udevControl} as the file whose existence means that udev runs (tests). */
  DeviceNodes(Path devDirectory, Mode mode, Path udevControl) {
    this.dev = devDirectory;
    this.mode = mode;
    this.udevControl = udevControl;
  }

  /** AUTO mode with udev running: nodes udev has not made yet are made here (see above). */
  private boolean udevFallback() {
    return mode == Mode.AUTO && Files.exists(udevControl);
  }

  /** True when this instance makes nodes (mode, and for AUTO: no udev). */
  public boolean active() {
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> !Files.exists(udevControl);
    };
  }

  /** {@code <dev>/mapper/<name>}. */
  public Path mapperNode(DmName name) {
    return dev.resolve("mapper").resolve(name.value());
  }

  /** {@code <dev>/<vg>/<lv>}. */
  public Path lvLink(String vg, String lv) {
    return dev.resolve(vg).resolve(lv);
  }

  /** Makes (or corrects) the block device node of {@code name}. */
  public void createNode(DmName name, DeviceNumber device) throws IOException {
    Path node = mapperNode(name);
    if (!active()) {
      if (!udevFallback() || Files.exists(node, LinkOption.NOFOLLOW_LINKS)) return;
      Files.createDirectories(node.getParent());
    } else {
      Files.createDirectories(node.getParent());
      if (Files.exists(node, LinkOption.NOFOLLOW_LINKS)) {
        if (isNodeOf(node, device)) return;
        Files.delete(node);
      }
    }
    try {
      LibC.Holder.INSTANCE.mknod(node.toString(), LibC.S_IFBLK | 0600, device.toUserspace());
    } catch (LastErrorException e) {
      throw new DeviceMapperException(
          "mknod", name.value(), e.getErrorCode(), "cannot create " + node, e);
    }
  }

  /** Renames the node of a renamed device. */
  public void renameNode(DmName from, DmName to, DeviceNumber device) throws IOException {
    removeNode(from);
    createNode(to, device);
  }

  /** Removes the node of {@code name}, if present (with udev running: only a node made here). */
  public void removeNode(DmName name) throws IOException {
    Path node = mapperNode(name);
    if (!active()) {
      if (udevFallback() && !Files.isSymbolicLink(node)) Files.deleteIfExists(node);
      return;
    }
    Files.deleteIfExists(node);
  }

  /** Makes {@code /dev/<vg>/<lv>} point at {@code ../mapper/<name>}. */
  public void createLvLink(String vg, String lv, DmName name) throws IOException {
    if (!active()) return;
    Path link = lvLink(vg, lv);
    Files.createDirectories(link.getParent());
    Path target = Path.of("..", "mapper", name.value());
    try {
      Files.createSymbolicLink(link, target);
    } catch (FileAlreadyExistsException e) {
      if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) return;
      Files.delete(link);
      Files.createSymbolicLink(link, target);
    }
  }

  /** Removes {@code /dev/<vg>/<lv>}, and {@code /dev/<vg>} when that leaves it empty. */
  public void removeLvLink(String vg, String lv) throws IOException {
    if (!active()) return;
    Path link = lvLink(vg, lv);
    Files.deleteIfExists(link);
    try (var entries = Files.list(link.getParent())) {
      if (entries.findAny().isEmpty()) Files.delete(link.getParent());
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  private static boolean isNodeOf(Path node, DeviceNumber device) {
    try {
      return !Files.isSymbolicLink(node) && DeviceNumber.ofNode(node).equals(device);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
