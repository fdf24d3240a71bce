package io.clvm.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceNodesTest {
  @TempDir Path dev;

  @Test
  void lvLinksPointAtTheMapperNode() throws Exception {
    DeviceNodes nodes = new DeviceNodes(dev, DeviceNodes.Mode.ALWAYS);
    DmName name = DmName.of("vg--b-data--span");
    nodes.createLvLink("vg-b", "data-span", name);
    nodes.createLvLink("vg-b", "data-span", name); // idempotent
    Path link = dev.resolve("vg-b/data-span");
    assertEquals(Path.of("../mapper/vg--b-data--span"), Files.readSymbolicLink(link));
    nodes.createLvLink("vg-b", "data-span", DmName.of("other")); // corrected
    assertEquals(Path.of("../mapper/other"), Files.readSymbolicLink(link));
    nodes.removeLvLink("vg-b", "data-span");
    assertFalse(Files.exists(dev.resolve("vg-b")), "empty VG directory removed");
    nodes.removeLvLink("vg-b", "data-span");
  }

  @Test
  void neverModeTouchesNothing() throws Exception {
    DeviceNodes nodes = new DeviceNodes(dev, DeviceNodes.Mode.NEVER);
    assertFalse(nodes.active());
    nodes.createLvLink("vg", "lv", DmName.of("vg-lv"));
    nodes.createNode(DmName.of("vg-lv"), new DeviceNumber(1, 3));
    nodes.removeNode(DmName.of("vg-lv"));
    nodes.removeLvLink("vg", "lv");
    assertFalse(Files.exists(dev.resolve("vg")));
    assertFalse(Files.exists(dev.resolve("mapper")));
    assertEquals(Path.of("/dev/mapper/x"), DeviceNodes.NONE.mapperNode(DmName.of("x")));
  }

  @Test
  @RequiresRoot
  void mapperNodesAreBlockDevicesWithTheDevicesNumber() throws Exception {
    DeviceNodes nodes = new DeviceNodes(dev, DeviceNodes.Mode.ALWAYS);
    DmName name = DmName.of("vg-lv-clvmtest");
    nodes.createNode(name, new DeviceNumber(253, 7));
    Path node = dev.resolve("mapper/vg-lv-clvmtest");
    assertEquals(new DeviceNumber(253, 7), DeviceNumber.ofNode(node));
    nodes.createNode(name, new DeviceNumber(253, 7)); // already right: kept
    nodes.createNode(name, new DeviceNumber(253, 8)); // wrong: replaced
    assertEquals(new DeviceNumber(253, 8), DeviceNumber.ofNode(node));
    DmName renamed = DmName.of("vg-lv2-clvmtest");
    nodes.renameNode(name, renamed, new DeviceNumber(253, 8));
    assertFalse(Files.exists(node));
    assertTrue(Files.exists(nodes.mapperNode(renamed)));
    nodes.removeNode(renamed);
    assertFalse(Files.exists(nodes.mapperNode(renamed)));
  }

  @Test
  @RequiresRoot
  void withUdevRunningAMissingNodeIsMadeAndUdevsSymlinksAreLeftAlone() throws Exception {
    Path control = dev.resolve("udev-control");
    Files.createFile(control);
    DeviceNodes nodes = new DeviceNodes(dev, DeviceNodes.Mode.AUTO, control);
    assertFalse(nodes.active(), "udev runs: links and existing nodes are udev's");
    DmName name = DmName.of("vg-lv-clvmtest");
    nodes.createNode(name, new DeviceNumber(253, 7));
    Path node = nodes.mapperNode(name);
    assertEquals(new DeviceNumber(253, 7), DeviceNumber.ofNode(node), "made before udev did");
    nodes.removeNode(name);
    assertFalse(Files.exists(node, java.nio.file.LinkOption.NOFOLLOW_LINKS), "ours: removed");

    // udev was first: its symlink is kept, and left for udev to remove
    Files.createSymbolicLink(node, Path.of("../dm-7"));
    nodes.createNode(name, new DeviceNumber(253, 7));
    assertTrue(Files.isSymbolicLink(node));
    nodes.removeNode(name);
    assertTrue(Files.isSymbolicLink(node));
    nodes.createLvLink("vg", "lv", name);
    assertFalse(Files.exists(dev.resolve("vg")), "/dev/<vg>/<lv> links stay udev's");

    Files.delete(control); // udev gone: AUTO makes everything
    assertTrue(nodes.active());
  }
}
