package io.clvm.dm.lvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.dm.DeviceNumber;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.text.ConfigParser;
import io.clvm.format.text.ConfigSection;
import io.clvm.format.text.ConfigValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  /**
   * The scenario's VG. Maps the parsed metadata text to the model itself (the fields tables need),
   * so that this test depends only on metadata-format's text parser and model classes.
   */
  static VolumeGroup vg(String scenario) throws Exception {
    String text = new String(read(scenario, "vgcfgbackup.vg"), StandardCharsets.UTF_8);
    ConfigSection vgs = ConfigParser.parse(text).firstSection().orElseThrow();
    long extentSize = integer(vgs, "extent_size");
    List<PhysicalVolume> pvs = new ArrayList<>();
    Map<String, LvmUuid> pvKeys = new HashMap<>();
    for (ConfigSection pv : vgs.section("physical_volumes").orElseThrow().sections()) {
      LvmUuid id = LvmUuid.parse(string(pv, "id"));
      pvKeys.put(pv.key(), id);
      pvs.add(
          PhysicalVolume.of(
              id,
              string(pv, "device"),
              integer(pv, "dev_size"),
              integer(pv, "pe_start"),
              integer(pv, "pe_count")));
    }
    List<LogicalVolume> lvs = new ArrayList<>();
    for (ConfigSection lv :
        vgs.section("logical_volumes").map(ConfigSection::sections).orElse(List.of())) {
      List<Segment> segments = new ArrayList<>();
      for (ConfigSection seg : lv.sections()) {
        List<ConfigValue> areas = ((ConfigValue.Array) seg.value("stripes").orElseThrow()).items();
        List<Stripe> stripes = new ArrayList<>();
        for (int i = 0; i < areas.size(); i += 2) {
          stripes.add(
              new Stripe(
                  pvKeys.get(((ConfigValue.Str) areas.get(i)).value()),
                  ((ConfigValue.Int) areas.get(i + 1)).value()));
        }
        long stripeSize = seg.value("stripe_size").isPresent() ? integer(seg, "stripe_size") : 0;
        segments.add(
            new StripedSegment(
                integer(seg, "start_extent"),
                integer(seg, "extent_count"),
                stripeSize,
                stripes,
                List.of()));
      }
      lvs.add(LogicalVolume.create(lv.key(), LvmUuid.parse(string(lv, "id")), 0, null, segments));
    }
    return VolumeGroup.builder(vgs.key(), LvmUuid.parse(string(vgs, "id")))
        .extentSize(extentSize)
        .pvs(pvs)
        .lvs(lvs)
        .build();
  }

  private static long integer(ConfigSection s, String key) {
    return ((ConfigValue.Int) s.value(key).orElseThrow()).value();
  }

  private static String string(ConfigSection s, String key) {
    return ((ConfigValue.Str) s.value(key).orElseThrow()).value();
  }
}
