package io.clvm.daemon.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.ZeroTarget;
import io.clvm.format.model.LvmUuid;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code clvm cluster status} shows of a node's device-mapper (the fault suite reads it). */
class NodeTablesTest {
  @Test
  void devicesListsEveryDeviceWithItsUuidAndLiveTable() throws Exception {
    NodeTables t = NodeTables.open("memory", "n1-", List::of);
    new DeviceMapperOperations(t.deviceMapper())
        .createActive(
            DmName.of("n1-vg-lv"),
            Optional.of(DmUuid.of("n1-LVM-abc")),
            Table.single(Sectors.of(8), new ErrorTarget()));
    t.deviceMapper().create(DmName.of("n1-vg-empty"), Optional.empty());

    Map<String, String[]> d = t.devices();
    assertEquals(2, d.size(), d.keySet().toString());
    assertArrayEquals(new String[] {"n1-LVM-abc", "0 8 error\n"}, d.get("n1-vg-lv"));
    assertArrayEquals(new String[] {"", ""}, d.get("n1-vg-empty"));
    assertTrue(t.pvNumbers().isEmpty(), "no devices configured: no PVs");
  }

  /** What a restarted clvmd looks at: only this node's LV devices (prefix and LVM dm UUID). */
  @Test
  void lvDevicesAreThoseWithThePrefixAndAnLvmUuid() throws Exception {
    NodeTables t = NodeTables.open("memory", "n1-", List::of);
    LvmUuid vg = LvmUuid.random();
    LvmUuid lv = LvmUuid.random();
    zero(t, "n1-vg-lv", "n1-LVM-" + vg.raw() + lv.raw());
    zero(t, "n2-vg-lv", "n2-LVM-" + vg.raw() + lv.raw()); // another node's, in a shared kernel
    zero(t, "n1-vg-lv-real", "n1-LVM-" + vg.raw() + lv.raw() + "-real"); // a layer
    zero(t, "n1-crypt", "CRYPT-LUKS2-abc"); // not LVM's
    zero(t, "n1-short", "n1-LVM-abc"); // not two UUIDs
    zero(t, "n1-none", null);

    assertEquals(
        List.of(new NodeTables.LvDeviceHere(DmName.of("n1-vg-lv"), vg.dashed(), lv.dashed())),
        t.lvDevices());
  }

  @Test
  void fenceDeviceErrorsTheLiveTableAndResumeIfSuspendedDropsTheInactiveOne() throws Exception {
    NodeTables t = NodeTables.open("memory", "n1-", List::of);
    DeviceMapper dm = t.deviceMapper();
    DmName name = DmName.of("n1-vg-lv");
    zero(t, name.value(), null);
    // A clvmd killed between suspend and resume: a table waits inactive, I/O is held.
    dm.loadTable(name, Table.single(Sectors.of(16), new ZeroTarget()));
    dm.suspend(name, DeviceMapper.SuspendMode.FLUSH);
    assertTrue(t.resumeIfSuspended(name));
    assertFalse(dm.info(name).orElseThrow().suspended());
    assertEquals(8, dm.table(name, DeviceMapper.TableSlot.LIVE).orElseThrow().size().count());
    assertFalse(t.resumeIfSuspended(name), "not suspended any more");

    assertTrue(t.fenceDevice(name));
    assertEquals(
        "0 8 error", dm.table(name, DeviceMapper.TableSlot.LIVE).orElseThrow().toString().strip());
    dm.create(DmName.of("n1-vg-empty"), Optional.empty());
    assertFalse(t.fenceDevice(DmName.of("n1-vg-empty")), "no live table: nothing to fence");
  }

  private static void zero(NodeTables t, String name, String uuid) throws Exception {
    new DeviceMapperOperations(t.deviceMapper())
        .createActive(
            DmName.of(name),
            Optional.ofNullable(uuid).map(DmUuid::of),
            Table.single(Sectors.of(8), new ZeroTarget()));
  }
}
