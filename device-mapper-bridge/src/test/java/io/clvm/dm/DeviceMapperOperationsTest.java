package io.clvm.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.InMemoryDeviceMapper.Operation;
import io.clvm.dm.table.Table;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeviceMapperOperationsTest {
  static final DmName NAME = DmName.of("vg-lv-clvmtest");
  static final Table SMALL = Table.parse("0 1024 linear 7:0 2048");
  static final Table BIG = Table.parse("0 1024 linear 7:0 2048\n1024 1024 linear 7:0 8192");

  InMemoryDeviceMapper dm;
  DeviceMapperOperations ops;

  @BeforeEach
  void setUp() {
    dm = new InMemoryDeviceMapper();
    dm.addBlockDevice(new DeviceNumber(7, 0), Sectors.of(131072));
    ops = new DeviceMapperOperations(dm);
  }

  @Test
  void createActiveLeavesALiveDevice() throws Exception {
    DeviceInfo info = ops.createActive(NAME, Optional.of(DmUuid.of("LVM-x")), SMALL);
    assertTrue(info.liveTable());
    assertFalse(info.suspended());
    assertTrue(ops.hasLiveTable(NAME, SMALL));
    assertEquals(dm, ops.deviceMapper());
  }

  @ParameterizedTest
  @EnumSource(
      value = Operation.class,
      names = {"LOAD", "RESUME"})
  void createActiveUndoesItselfWhenAStepFails(Operation failing) {
    dm.failNext(failing, Errno.EINVAL);
    assertThrows(
        DeviceMapperException.class, () -> ops.createActive(NAME, Optional.empty(), SMALL));
    assertEquals(Optional.empty(), dm.info(NAME), "nothing left behind");
  }

  @Test
  void createActiveWithATableTheKernelRefusesLeavesNothing() {
    DeviceMapperException e =
        assertThrows(
            DeviceMapperException.class,
            () -> ops.createActive(NAME, Optional.empty(), Table.parse("0 999999 linear 7:0 0")));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    assertEquals(Optional.empty(), dm.info(NAME));
  }

  @Test
  void createActiveOfAnExistingNameDoesNotRemoveIt() throws Exception {
    ops.createActive(NAME, Optional.empty(), SMALL);
    assertThrows(DeviceMapperException.class, () -> ops.createActive(NAME, Optional.empty(), BIG));
    assertTrue(ops.hasLiveTable(NAME, SMALL), "the existing device is untouched");
  }

  @Test
  void errorOutKeepsTheSizeAndReturnsTheOldTable() throws Exception {
    ops.createActive(NAME, Optional.empty(), BIG);
    assertEquals(BIG, ops.errorOut(NAME));
    assertEquals(Optional.of(Table.parse("0 2048 error")), dm.table(NAME, TableSlot.LIVE));
    ops.reload(NAME, BIG, SuspendMode.FLUSH);
    assertTrue(ops.hasLiveTable(NAME, BIG));
    dm.create(DmName.of("empty-clvmtest"), Optional.empty());
    assertThrows(DeviceMapperException.class, () -> ops.errorOut(DmName.of("empty-clvmtest")));
  }

  @Test
  void reloadSwapsTheTable() throws Exception {
    ops.createActive(NAME, Optional.empty(), SMALL);
    DeviceInfo after = ops.reload(NAME, BIG, SuspendMode.NOFLUSH);
    assertFalse(after.suspended());
    assertEquals(Optional.of(BIG), dm.table(NAME, TableSlot.LIVE));
    assertEquals(Sectors.of(2048), dm.size(NAME));
  }

  @ParameterizedTest
  @EnumSource(
      value = Operation.class,
      names = {"LOAD", "SUSPEND", "RESUME"})
  void reloadFailureLeavesTheOldTableLiveAndTheDeviceResumed(Operation failing) throws Exception {
    ops.createActive(NAME, Optional.empty(), SMALL);
    dm.failNext(failing, Errno.EINVAL);
    assertThrows(DeviceMapperException.class, () -> ops.reload(NAME, BIG, SuspendMode.FLUSH));
    DeviceInfo info = dm.info(NAME).orElseThrow();
    assertFalse(info.suspended(), "never left suspended");
    assertFalse(info.inactiveTable(), "no half-applied table waiting");
    assertEquals(Optional.of(SMALL), dm.table(NAME, TableSlot.LIVE));
  }

  @Test
  void reloadReportsADeviceLeftSuspendedWhenEvenTheUndoFails() throws Exception {
    ops.createActive(NAME, Optional.empty(), SMALL);
    // the resume fails, and so does the undo's clear; the second resume then succeeds
    dm.failNext(Operation.RESUME, Errno.EIO);
    dm.failNext(Operation.CLEAR, Errno.EIO);
    DeviceMapperException e =
        assertThrows(DeviceMapperException.class, () -> ops.reload(NAME, BIG, SuspendMode.FLUSH));
    assertEquals(1, e.getSuppressed().length);
    assertFalse(dm.info(NAME).orElseThrow().suspended(), "resumed even so");
  }

  @Test
  void reloadOfAMissingDeviceAndStaleInactiveTable() throws Exception {
    assertEquals(
        Errno.ENXIO,
        assertThrows(DeviceMapperException.class, () -> ops.reload(NAME, BIG, SuspendMode.FLUSH))
            .errno());
    ops.createActive(NAME, Optional.empty(), SMALL);
    dm.loadTable(NAME, Table.parse("0 8 zero"));
    ops.reload(NAME, BIG, SuspendMode.FLUSH);
    assertEquals(Optional.of(BIG), dm.table(NAME, TableSlot.LIVE));
    assertTrue(ops.removeIfPresent(NAME));
    assertFalse(ops.removeIfPresent(NAME));
  }
}
