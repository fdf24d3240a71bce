package io.clvm.dm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DeviceMapperException;
import io.clvm.dm.DmName;
import io.clvm.dm.Errno;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.dm.Sectors;
import io.clvm.dm.internal.DmControl;
import io.clvm.dm.internal.DmIoctl;
import io.clvm.dm.internal.DmIoctl.Command;
import io.clvm.dm.kernel.GuestDisks.Loop;
import io.clvm.dm.table.InvalidTableException;
import io.clvm.dm.table.OtherTarget;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.TargetLine;
import io.clvm.dm.table.ZeroTarget;
import io.clvm.testing.uml.InGuest;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the kernel refuses, with a clear error, and nothing left behind. */
@InGuest
class RefusalsInGuest {
  static GuestDisks disks;
  static Loop loop;

  @BeforeAll
  static void setUp() throws Exception {
    disks = new GuestDisks();
    loop = disks.loop("refusals", Sectors.of(2048));
  }

  @AfterAll
  static void tearDown() throws Exception {
    disks.close();
  }

  @Test
  void removeWhileOpenIsRefused() throws Exception {
    DmName name = GuestDisks.name("vg-open");
    disks.ops.createActive(
        name, Optional.empty(), Table.parse("0 2048 linear " + loop.number() + " 0"));
    try (FileChannel open = FileChannel.open(GuestDisks.mapper(name), StandardOpenOption.READ)) {
      assertEquals(1, disks.dm.info(name).orElseThrow().openCount());
      DeviceMapperException e =
          assertThrows(DeviceMapperException.class, () -> disks.dm.remove(name));
      assertEquals(Errno.EBUSY, e.errno());
      assertEquals(
          "device-mapper DM_DEV_REMOVE on vg-open-clvmtest failed: EBUSY (Device or resource busy):"
              + " the device is open (in use) and cannot be removed",
          e.getMessage());
      assertTrue(disks.dm.info(name).isPresent(), "still there");
      assertTrue(Files.exists(GuestDisks.mapper(name)), "node still there");
    }
    disks.dm.remove(name);
    assertFalse(Files.exists(GuestDisks.mapper(name)));
  }

  @Test
  void deviceTooSmallIsRefusedAndNothingLeft() throws Exception {
    DmName name = GuestDisks.name("vg-toosmall");
    Table table = Table.parse("0 4096 linear " + loop.number() + " 0"); // the loop has 2048
    DeviceMapperException e =
        assertThrows(
            DeviceMapperException.class,
            () -> disks.ops.createActive(name, Optional.empty(), table));
    assertEquals("DM_TABLE_LOAD", e.command());
    assertEquals(Errno.EINVAL, e.errno());
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    assertNothingLeft(name);
  }

  @Test
  void unknownTargetIsRefusedAndNothingLeft() throws Exception {
    DmName name = GuestDisks.name("vg-unknown");
    Table table = Table.single(Sectors.of(8), new OtherTarget("nosuchtarget", "1 2"));
    DeviceMapperException e =
        assertThrows(
            DeviceMapperException.class,
            () -> disks.ops.createActive(name, Optional.empty(), table));
    assertEquals(Errno.EINVAL, e.errno());
    assertTrue(e.getMessage().contains("unknown target type"), e.getMessage());
    assertNothingLeft(name);
  }

  @Test
  void gapsAndOverlapsAreRefusedBeforeAndByTheKernel() throws Exception {
    assertThrows(InvalidTableException.class, () -> Table.parse("0 8 zero\n16 8 zero"));
    assertThrows(InvalidTableException.class, () -> Table.parse("0 8 zero\n4 8 zero"));
    // the kernel refuses them too, when they get past the model (raw ioctl)
    DmName name = GuestDisks.name("vg-gap");
    disks.dm.create(name, Optional.empty());
    try (DmControl raw = DmControl.open(KernelDeviceMapper.CONTROL)) {
      for (List<TargetLine> lines :
          List.of(
              List.of(line(0, 8), line(16, 8)),
              List.of(line(0, 8), line(4, 8)),
              List.of(line(8, 8)))) {
        DeviceMapperException e =
            assertThrows(
                DeviceMapperException.class,
                () ->
                    raw.ioctl(
                        Command.DM_TABLE_LOAD,
                        name.value(),
                        null,
                        0,
                        lines.size(),
                        DmIoctl.encodeTargets(lines)));
        assertEquals(Errno.EINVAL, e.errno(), lines.toString());
      }
    }
    assertFalse(disks.dm.info(name).orElseThrow().inactiveTable());
    disks.dm.remove(name);
    assertNothingLeft(name);
  }

  @Test
  void badReloadLeavesTheDeviceAsItWas() throws Exception {
    DmName name = GuestDisks.name("vg-badreload");
    Table good = Table.parse("0 1024 linear " + loop.number() + " 0");
    disks.ops.createActive(name, Optional.empty(), good);
    for (Table bad :
        List.of(
            Table.parse("0 4096 linear " + loop.number() + " 0"),
            Table.single(Sectors.of(8), new OtherTarget("nosuchtarget", "")))) {
      assertThrows(
          DeviceMapperException.class, () -> disks.ops.reload(name, bad, SuspendMode.FLUSH));
      DeviceInfo info = disks.dm.info(name).orElseThrow();
      assertFalse(info.suspended(), "not left suspended");
      assertFalse(info.inactiveTable(), "no half-loaded table");
      assertEquals(Optional.of(good), disks.dm.table(name, TableSlot.LIVE));
    }
    disks.dm.remove(name);
  }

  @Test
  void duplicateNameIsRefusedAndTheFirstUntouched() throws Exception {
    DmName name = GuestDisks.name("vg-dup");
    Table table = Table.parse("0 8 zero");
    disks.ops.createActive(name, Optional.empty(), table);
    DeviceMapperException e =
        assertThrows(
            DeviceMapperException.class,
            () -> disks.ops.createActive(name, Optional.empty(), Table.parse("0 16 zero")));
    assertEquals(Errno.EBUSY, e.errno());
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals(Optional.of(table), disks.dm.table(name, TableSlot.LIVE));
    disks.dm.remove(name);
  }

  private static TargetLine line(long start, long length) {
    // TargetLine itself is fine; only the set of lines is invalid
    return new TargetLine(Sectors.of(start), Sectors.of(length), new ZeroTarget());
  }

  private static void assertNothingLeft(DmName name) throws Exception {
    assertEquals(Optional.empty(), disks.dm.info(name));
    assertFalse(Files.exists(GuestDisks.mapper(name)), "no /dev/mapper node left");
    assertTrue(disks.dm.listDevices().stream().noneMatch(d -> d.name().equals(name)));
  }
}
