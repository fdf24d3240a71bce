package io.clvm.daemon.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.Table;
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
}
