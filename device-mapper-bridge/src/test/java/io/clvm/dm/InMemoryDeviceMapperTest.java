package io.clvm.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.table.Table;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryDeviceMapperTest {
  static final DeviceNumber PV0 = new DeviceNumber(7, 0);
  static final DeviceNumber PV1 = new DeviceNumber(7, 1);
  static final DmName NAME = DmName.of("vg-lv-clvmtest");

  InMemoryDeviceMapper dm;

  @BeforeEach
  void setUp() {
    dm = new InMemoryDeviceMapper();
    dm.addBlockDevice(PV0, Sectors.of(131072));
    dm.addBlockDevice(PV1, Sectors.of(131072));
  }

  @Test
  void lifecycleCreateLoadResumeReloadRemove() throws Exception {
    DeviceInfo created = dm.create(NAME, Optional.of(DmUuid.of("LVM-1")));
    assertFalse(created.liveTable());
    assertEquals(253, created.device().major());
    Table t1 = Table.parse("0 1024 linear 7:0 2048");
    DeviceInfo loaded = dm.loadTable(NAME, t1);
    assertTrue(loaded.inactiveTable());
    assertFalse(loaded.liveTable());
    assertEquals(Optional.of(t1), dm.table(NAME, TableSlot.INACTIVE));
    DeviceInfo resumed = dm.resume(NAME);
    assertTrue(resumed.liveTable());
    assertFalse(resumed.inactiveTable());
    assertEquals(Sectors.of(1024), dm.size(NAME));
    assertEquals(1, resumed.targetCount());

    Table t2 = Table.parse("0 1024 linear 7:0 2048\n1024 1024 linear 7:1 2048");
    dm.loadTable(NAME, t2);
    assertEquals(Optional.of(t1), dm.table(NAME, TableSlot.LIVE), "load does not touch live");
    assertTrue(dm.suspend(NAME, SuspendMode.FLUSH).suspended());
    DeviceInfo after = dm.resume(NAME);
    assertFalse(after.suspended());
    assertEquals(Optional.of(t2), dm.table(NAME, TableSlot.LIVE));
    assertEquals(Optional.empty(), dm.table(NAME, TableSlot.INACTIVE));
    assertEquals(2, dm.status(NAME).size());

    dm.loadTable(NAME, t1);
    assertFalse(dm.clearInactiveTable(NAME).inactiveTable());

    assertEquals(1, dm.listDevices().size());
    dm.remove(NAME);
    assertEquals(Optional.empty(), dm.info(NAME));
    assertTrue(dm.listDevices().isEmpty());
  }

  @Test
  void refusalsMatchTheKernel() throws Exception {
    dm.create(NAME, Optional.of(DmUuid.of("LVM-1")));
    assertEquals(
        Errno.EBUSY,
        assertThrows(DeviceMapperException.class, () -> dm.create(NAME, Optional.empty())).errno());
    assertEquals(
        Errno.EBUSY,
        assertThrows(
                DeviceMapperException.class,
                () -> dm.create(DmName.of("other-clvmtest"), Optional.of(DmUuid.of("LVM-1"))))
            .errno());
    DeviceMapperException tooSmall =
        assertThrows(
            DeviceMapperException.class,
            () -> dm.loadTable(NAME, Table.parse("0 200000 linear 7:0 0")));
    assertEquals(Errno.EINVAL, tooSmall.errno());
    assertTrue(tooSmall.getMessage().contains("too small"), tooSmall.getMessage());
    assertEquals(
        Errno.ENXIO,
        assertThrows(
                DeviceMapperException.class,
                () -> dm.loadTable(NAME, Table.parse("0 8 linear 9:9 0")))
            .errno());
    assertEquals(
        Errno.EINVAL,
        assertThrows(
                DeviceMapperException.class,
                () -> dm.loadTable(NAME, Table.parse("0 8 nosuchtarget")))
            .errno());
    assertEquals(
        Errno.EINVAL,
        assertThrows(
                DeviceMapperException.class,
                () -> dm.loadTable(NAME, Table.parse("0 8 striped 2 4 7:0 131070 7:1 0")))
            .errno());
    assertFalse(dm.info(NAME).orElseThrow().inactiveTable(), "a refused load leaves nothing");
    assertEquals(
        Errno.ENXIO,
        assertThrows(DeviceMapperException.class, () -> dm.resume(DmName.of("none"))).errno());
  }

  @Test
  void removeWhileOpenIsRefused() throws Exception {
    dm.create(NAME, Optional.empty());
    dm.loadTable(NAME, Table.parse("0 8 zero"));
    dm.resume(NAME);
    try (AutoCloseable open = dm.open(NAME)) {
      assertEquals(1, dm.info(NAME).orElseThrow().openCount());
      DeviceMapperException e = assertThrows(DeviceMapperException.class, () -> dm.remove(NAME));
      assertEquals(Errno.EBUSY, e.errno());
      assertTrue(e.getMessage().contains("open"), e.getMessage());
    }
    dm.remove(NAME);
  }

  @Test
  void stackedDevicesAndRename() throws Exception {
    DeviceInfo lower = dm.create(NAME, Optional.empty());
    dm.loadTable(NAME, Table.parse("0 100 zero"));
    dm.resume(NAME);
    DmName upper = DmName.of("upper-clvmtest");
    dm.create(upper, Optional.empty());
    dm.loadTable(upper, Table.parse("0 100 linear " + lower.device() + " 0"));
    dm.resume(upper);
    assertEquals(
        Errno.EBUSY, assertThrows(DeviceMapperException.class, () -> dm.remove(NAME)).errno());
    DmName renamed = DmName.of("renamed-clvmtest");
    assertEquals(renamed, dm.rename(upper, renamed).name());
    assertEquals(
        Errno.EBUSY,
        assertThrows(DeviceMapperException.class, () -> dm.rename(renamed, NAME)).errno());
    assertEquals("", dm.status(renamed).get(0).status());
    dm.remove(renamed);
    dm.remove(NAME);
    assertEquals(4, dm.listTargets().size());
    assertEquals(new DriverVersion(4, 47, 0), dm.version());
  }

  @Test
  void stripedStatusAndSelfMapping() throws Exception {
    DeviceInfo d = dm.create(NAME, Optional.empty());
    assertEquals(
        Errno.EINVAL,
        assertThrows(
                DeviceMapperException.class,
                () -> dm.loadTable(NAME, Table.parse("0 8 linear " + d.device() + " 0")))
            .errno());
    dm.loadTable(NAME, Table.parse("0 256 striped 2 128 7:0 0 7:1 0"));
    dm.resume(NAME);
    assertEquals("2 7:0 7:1 1 AA", dm.status(NAME).get(0).status());
  }

  @Test
  void injectedFailuresHappenOnce() throws Exception {
    dm.failNext(InMemoryDeviceMapper.Operation.CREATE, Errno.ENOMEM);
    assertEquals(
        Errno.ENOMEM,
        assertThrows(DeviceMapperException.class, () -> dm.create(NAME, Optional.empty())).errno());
    dm.create(NAME, Optional.empty());
  }
}
