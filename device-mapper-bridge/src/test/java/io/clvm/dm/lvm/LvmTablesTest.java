package io.clvm.dm.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.dm.DmName;
import io.clvm.dm.table.Table;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.VolumeGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LvmTablesTest {
  static List<String> scenarios() {
    return Fixtures.SCENARIOS;
  }

  /** Every LV of every fixture maps to the name, UUID and table lvm2 loaded for it. */
  @ParameterizedTest
  @MethodSource("scenarios")
  void tablesEqualWhatLvm2Loaded(String scenario) throws Exception {
    VolumeGroup vg = Fixtures.vg(scenario);
    PvDevices pvs = Fixtures.pvDevices(scenario);
    JsonNode expected = Fixtures.json(scenario, "dm_tables_derived.json");
    List<String> seen = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : expected.properties()) {
      LogicalVolume lv = vg.requireLv(e.getKey());
      LvDevice dev = LvmTables.device(vg, lv, pvs);
      assertEquals(e.getValue().path("dm_name").asText(), dev.name().value(), scenario);
      assertEquals(e.getValue().path("dm_uuid").asText(), dev.uuid().value(), scenario);
      StringBuilder table = new StringBuilder();
      for (JsonNode line : e.getValue().path("table")) table.append(line.asText()).append('\n');
      assertEquals(table.toString(), dev.table().toString(), scenario + " " + lv.name());
      assertEquals(Table.parse(table.toString()), dev.table());
      seen.add(lv.name());
    }
    assertEquals(vg.lvs().size(), seen.size(), "every LV of " + scenario + " has a table");
  }

  @Test
  void namesDoubleDashesAndLayers() {
    assertEquals(DmName.of("vg--b-data--span"), LvmTables.dmName("vg-b", "data-span"));
    assertEquals(DmName.of("vg-pool-tpool"), LvmTables.dmName("vg", "pool", "tpool"));
    assertEquals(DmName.of("vg-pool_tdata"), LvmTables.dmName("vg", "pool", "_tdata"));
  }

  @Test
  void missingPvIsRefusedNamingIt() throws Exception {
    VolumeGroup vg = Fixtures.vg("b_three_pv_striped_spanning");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LvmTables.table(vg, vg.requireLv("striped"), pv -> Optional.empty()));
    assertTrue(e.getMessage().contains("missing on this host"), e.getMessage());
    assertTrue(e.getMessage().contains("vg-b/striped"), e.getMessage());
    assertTrue(
        LvmTables.dmUuid(vg.id(), LvmUuid.parse("viEQkt-d9IY-N5Og-RcFd-kMaa-bC5L-gPu5tr"))
            .value()
            .endsWith("viEQktd9IYN5OgRcFdkMaabC5LgPu5tr"));
  }
}
