package io.clvm.dm.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceNodes;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.dm.Sectors;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LvActivationTest {
  @TempDir Path dev;

  @Test
  void activateExtendRefreshRenameDeactivate() throws Exception {
    VolumeGroup vg = Fixtures.vg("b_three_pv_striped_spanning");
    PvDevices pvs = Fixtures.pvDevices("b_three_pv_striped_spanning");
    InMemoryDeviceMapper dm = new InMemoryDeviceMapper();
    for (int i = 0; i < 3; i++) dm.addBlockDevice(new DeviceNumber(7, i), Sectors.of(131072));
    LvActivation act = new LvActivation(dm, new DeviceNodes(dev, DeviceNodes.Mode.ALWAYS));

    LogicalVolume lv = vg.requireLv("data-span");
    LvDevice d = act.device(vg, lv, pvs);
    assertEquals(LvActivation.Outcome.CREATED, act.activate(d));
    assertEquals(
        Path.of("../mapper/vg--b-data--span"),
        Files.readSymbolicLink(dev.resolve("vg-b/data-span")));
    assertEquals(LvActivation.Outcome.UNCHANGED, act.activate(d));

    // lvextend by one extent on pv2 (free there from extent 2 on)
    List<StripedSegment> segs = lv.stripedSegments("test", vg.name());
    StripedSegment last = segs.get(segs.size() - 1);
    LogicalVolume grown =
        lv.withSegments(
            List.of(
                segs.get(0),
                segs.get(1),
                last,
                StripedSegment.linear(
                    last.startExtent() + last.extentCount(), 1, vg.pvs().get(2).id(), 2)));
    VolumeGroup vg2 = vg.withLv(grown);
    LvDevice d2 = act.device(vg2, grown, pvs);
    assertEquals(LvActivation.Outcome.RELOADED, act.activate(d2));
    assertEquals(Optional.of(d2.table()), act.liveTable("vg-b", "data-span"));
    assertEquals(d2.table().size(), dm.size(d2.name()));

    act.rename("vg-b", "data-span", "data-new");
    assertTrue(Files.isSymbolicLink(dev.resolve("vg-b/data-new")));
    assertFalse(
        Files.exists(dev.resolve("vg-b/data-span"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(act.deactivate("vg-b", "data-new"));
    assertFalse(act.deactivate("vg-b", "data-new"));
    assertEquals(Optional.empty(), act.liveTable("vg-b", "data-new"));
    assertFalse(Files.exists(dev.resolve("vg-b")));
  }

  @Test
  void prefixesKeepNodesApart() throws Exception {
    VolumeGroup vg = Fixtures.vg("a_single_pv_two_linear");
    PvDevices pvs = Fixtures.pvDevices("a_single_pv_two_linear");
    InMemoryDeviceMapper dm = new InMemoryDeviceMapper();
    dm.addBlockDevice(new DeviceNumber(7, 0), Sectors.of(131072));
    LvActivation n1 = new LvActivation(dm, DeviceNodes.NONE, "n1-");
    LvActivation n2 = new LvActivation(dm, DeviceNodes.NONE, "n2-");
    LogicalVolume lv = vg.requireLv("lv1");
    n1.activate(n1.device(vg, lv, pvs));
    n2.activate(n2.device(vg, lv, pvs));
    assertEquals(DmName.of("n1-vga-lv1"), n1.dmName("vga", "lv1"));
    assertTrue(n2.device(vg, lv, pvs).uuid().value().startsWith("n2-LVM-"));
    assertEquals(2, dm.listDevices().size());
    n1.deactivate("vga", "lv1");
    assertTrue(n2.liveTable("vga", "lv1").isPresent());
  }
}
