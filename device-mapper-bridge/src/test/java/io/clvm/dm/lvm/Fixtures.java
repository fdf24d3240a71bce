package io.clvm.dm.lvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.dm.DeviceNumber;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VolumeGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lvm2 golden fixtures from metadata-format's test-jar ({@code lvm2-fixtures/} on the class
 * path): each scenario's VG (from its {@code vgcfgbackup.vg}), where its PVs were ({@code
 * pvs.json}), and the tables lvm2 loaded ({@code dm_tables_derived.json}).
 */
final class Fixtures {
  static final List<String> SCENARIOS =
      List.of(
          "a_single_pv_two_linear",
          "b_three_pv_striped_spanning",
          "c_wrapped_after_remove_rename",
          "d_two_mda_copies",
          "e_ignored_and_no_mda",
          "f_4k_sector",
          "g_bootloader_area",
          "h_system_id");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  static byte[] read(String scenario, String file) {
    String path = "lvm2-fixtures/" + scenario + "/" + file;
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException(path + " not on the test class path");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String scenario, String file) {
    try {
      return JSON.readTree(read(scenario, file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PV UUID to the loop device's major:minor when lvm2 reported on the scenario. */
  static PvDevices pvDevices(String scenario) {
    Map<LvmUuid, DeviceNumber> map = new HashMap<>();
    for (JsonNode pv : json(scenario, "pvs.json").path("report").get(0).path("pv")) {
      map.put(
          LvmUuid.parse(pv.path("pv_uuid").asText()),
          new DeviceNumber(pv.path("pv_major").asInt(), pv.path("pv_minor").asInt()));
    }
    return PvDevices.of(map);
  }

  /** The scenario's VG, imported by metadata-format from lvm2's {@code vgcfgbackup} file. */
  static VolumeGroup vg(String scenario) throws Exception {
    return MetadataText.parse(new String(read(scenario, "vgcfgbackup.vg"), StandardCharsets.UTF_8))
        .vg();
  }
}
