package io.clvm.dm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.BlockDevices;
import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.Sectors;
import io.clvm.dm.TargetStatus;
import io.clvm.dm.TargetVersion;
import io.clvm.dm.table.Table;
import io.clvm.testing.uml.InGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every ioctl of the bridge, one by one, on the real kernel. */
@InGuest
class KernelBasicsInGuest {
  static GuestDisks disks;

  @BeforeAll
  static void open() throws Exception {
    disks = new GuestDisks();
  }

  @AfterAll
  static void close() throws Exception {
    disks.close();
  }

  @Test
  void versionAndTargets() throws Exception {
    assertEquals(4, disks.dm.version().major());
    assertTrue(disks.dm.version().minor() >= 27, disks.dm.version().toString());
    List<String> targets = disks.dm.listTargets().stream().map(TargetVersion::name).toList();
    for (String t : List.of("linear", "striped", "error", "zero")) {
      assertTrue(targets.contains(t), t + " in " + targets);
    }
  }

  @Test
  void deviceLifecycleWithNodes() throws Exception {
    GuestDisks.Loop pv = disks.loop("basics", Sectors.of(8192));
    DmName name = GuestDisks.name("vg-basics");
    DmUuid uuid = DmUuid.of("LVM-basics" + GuestDisks.SUFFIX);
    DeviceInfo created = disks.dm.create(name, Optional.of(uuid));
    assertFalse(created.liveTable());
    assertFalse(created.suspended());
    assertEquals(Optional.of(uuid), created.uuid());
    Path node = GuestDisks.mapper(name);
    assertEquals(created.device(), DeviceNumber.ofNode(node), "/dev/mapper node made without udev");

    Table t1 = Table.parse("0 2048 linear " + pv.number() + " 0\n");
    DeviceInfo loaded = disks.dm.loadTable(name, t1);
    assertTrue(loaded.inactiveTable());
    assertEquals(Optional.of(t1), disks.dm.table(name, TableSlot.INACTIVE));
    assertEquals(Optional.empty(), disks.dm.table(name, TableSlot.LIVE));
    DeviceInfo resumed = disks.dm.resume(name);
    assertTrue(resumed.liveTable());
    assertFalse(resumed.inactiveTable());
    // the kernel adds the disk (and its sysfs directory) with the first table, since Linux 5.15
    assertEquals(
        created.device().toString(),
        Files.readString(Path.of("/sys/block/dm-" + created.device().minor() + "/dev")).strip());

    assertEquals(Optional.of(t1), disks.dm.table(name, TableSlot.LIVE));
    assertEquals(2048L * 512, BlockDevices.sizeBytes(node));
    List<TargetStatus> status = disks.dm.status(name);
    assertEquals(1, status.size());
    assertEquals("linear", status.get(0).type());

    Table t2 = Table.parse("0 2048 linear " + pv.number() + " 0\n2048 100 zero\n2148 52 error\n");
    disks.dm.loadTable(name, t2);
    assertEquals(Optional.of(t2), disks.dm.table(name, TableSlot.INACTIVE), "inactive as loaded");
    assertEquals(Optional.of(t1), disks.dm.table(name, TableSlot.LIVE), "live unchanged");
    assertFalse(disks.dm.clearInactiveTable(name).inactiveTable());
    assertEquals(Optional.empty(), disks.dm.table(name, TableSlot.INACTIVE));

    disks.dm.loadTable(name, t2);
    assertTrue(disks.dm.suspend(name, SuspendMode.FLUSH).suspended());
    assertTrue(disks.dm.info(name).orElseThrow().suspended());
    DeviceInfo after = disks.dm.resume(name);
    assertFalse(after.suspended());
    assertEquals(3, after.targetCount());
    assertTrue(after.eventNumber() >= created.eventNumber());
    assertEquals(Optional.of(t2), disks.dm.table(name, TableSlot.LIVE));
    assertEquals(2200L * 512, BlockDevices.sizeBytes(node));
    assertEquals(t2.toString(), dmsetupTable(name), "dmsetup (libdevmapper) reads the same table");
    assertEquals(t2, Table.parse(GuestDisks.run("dmsetup", "table", name.value())));

    List<DeviceEntry> all = disks.dm.listDevices();
    DeviceEntry entry = all.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    assertEquals(created.device(), entry.device());
    if (disks.dm.version().atLeast(4, 45)) assertEquals(Optional.of(uuid), entry.uuid());

    disks.dm.nodes().createLvLink("vg-basics" + GuestDisks.SUFFIX, "lv", name);
    assertEquals(
        created.device(), DeviceNumber.ofNode(Path.of("/dev/vg-basics-clvmtest/lv")), "link");
    disks.dm.nodes().removeLvLink("vg-basics" + GuestDisks.SUFFIX, "lv");

    DmName renamed = GuestDisks.name("vg-renamed");
    DeviceInfo r = disks.dm.rename(name, renamed);
    assertEquals(renamed, r.name());
    assertFalse(Files.exists(node));
    assertEquals(created.device(), DeviceNumber.ofNode(GuestDisks.mapper(renamed)));
    assertEquals(Optional.empty(), disks.dm.info(name));

    disks.dm.remove(renamed);
    assertEquals(Optional.empty(), disks.dm.info(renamed));
    assertFalse(Files.exists(GuestDisks.mapper(renamed)), "node removed with the device");
  }

  /** {@code dmsetup table NAME}, with the trailing blank it prints after parameterless targets. */
  static String dmsetupTable(DmName name) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : GuestDisks.run("dmsetup", "table", name.value()).split("\n")) {
      b.append(line.stripTrailing()).append('\n');
    }
    return b.toString();
  }

  /** Replies bigger than the first 16 KiB buffer: the kernel says "full", the bridge grows it. */
  @Test
  void largeRepliesGrowTheBuffer() throws Exception {
    int devices = 80; // 80 entries of ~270 bytes: about 21 KiB of dm_name_list
    List<DmName> names = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < devices; i++) {
        String base = String.format("%03d-", i) + "n".repeat(110);
        DmName name = GuestDisks.name(base);
        names.add(name);
        disks.dm.create(name, Optional.of(DmUuid.of(String.format("%03d-", i) + "u".repeat(120))));
      }
      List<DeviceEntry> listed = disks.dm.listDevices();
      for (DmName name : names) {
        DeviceEntry e =
            listed.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
        if (disks.dm.version().atLeast(4, 45)) {
          assertEquals(
              name.value().substring(0, 4), e.uuid().orElseThrow().value().substring(0, 4));
        }
      }
      // a 600-line table: ~29 KiB to load, ~24 KiB of dm_target_spec back
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 600; i++) text.append(i * 8).append(" 8 zero\n");
      Table big = Table.parse(text.toString());
      DmName first = names.get(0);
      disks.dm.loadTable(first, big);
      disks.dm.resume(first);
      assertEquals(Optional.of(big), disks.dm.table(first, TableSlot.LIVE));
      assertEquals(600, disks.dm.status(first).size());
    } finally {
      for (DmName name : names) disks.dm.remove(name);
    }
  }

  @Test
  void cleanupRemovesOnlyTestDevices() throws Exception {
    DmName keep = DmName.of("keep-me-not-a-test-device");
    DmName test = GuestDisks.name("doomed");
    disks.ops.createActive(keep, Optional.empty(), Table.parse("0 8 zero"));
    try {
      disks.ops.createActive(test, Optional.empty(), Table.parse("0 8 zero"));
      DmName upper = GuestDisks.name("upper");
      DeviceNumber lower = disks.dm.info(test).orElseThrow().device();
      disks.ops.createActive(upper, Optional.empty(), Table.parse("0 8 linear " + lower + " 0"));
      disks.cleanup();
      assertEquals(Optional.empty(), disks.dm.info(test));
      assertEquals(Optional.empty(), disks.dm.info(upper), "stacked test devices too");
      assertTrue(disks.dm.info(keep).isPresent(), "a device without the suffix is left alone");
    } finally {
      disks.dm.remove(keep);
    }
  }
}
