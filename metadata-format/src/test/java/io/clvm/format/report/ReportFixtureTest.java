package io.clvm.format.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.format.alloc.ExtentMap;
import io.clvm.format.alloc.UsedArea;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.VolumeGroup;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture's model compared, field by field, with the reports lvm2 printed for it ({@code
 * pvs/vgs/lvs --reportformat json}, {@code --segments}).
 */
class ReportFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> scenarios() {
    return Lvm2Fixtures.SCENARIOS.keySet().stream().sorted();
  }

  private static VolumeGroup vg(String scenario) throws Exception {
    return MetadataText.parse(Lvm2Fixtures.text(scenario + "/vgcfgbackup.vg")).vg();
  }

  private static List<JsonNode> rows(String scenario, String file, String kind) throws Exception {
    JsonNode n = JSON.readTree(Lvm2Fixtures.bytes(scenario + "/" + file));
    List<JsonNode> out = new ArrayList<>();
    n.get("report").get(0).get(kind).forEach(out::add);
    return out;
  }

  private static void field(JsonNode row, String name, Object actual) {
    assertEquals(row.get(name).asText(), String.valueOf(actual), name);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void vgsFields(String scenario) throws Exception {
    VolumeGroup vg = vg(scenario);
    ExtentMap map = ExtentMap.of(vg);
    JsonNode r = rows(scenario, "vgs.json", "vg").get(0);
    field(r, "vg_fmt", vg.format());
    field(r, "vg_uuid", vg.id());
    field(r, "vg_name", vg.name());
    field(r, "vg_attr", VgReport.vgAttr(vg));
    field(r, "vg_permissions", VgReport.vgPermissions(vg));
    field(r, "vg_extendable", VgReport.vgExtendable(vg));
    field(r, "vg_allocation_policy", vg.allocationPolicy().word());
    field(r, "vg_size", VgReport.vgSize(vg));
    field(r, "vg_free", VgReport.vgFree(vg, map));
    field(r, "vg_systemid", VgReport.vgSystemId(vg));
    field(r, "vg_sysid", VgReport.vgSystemId(vg));
    field(r, "vg_lock_type", vg.lockType() == null ? "" : vg.lockType());
    field(r, "vg_lock_args", vg.lockArgs() == null ? "" : vg.lockArgs());
    field(r, "vg_extent_size", VgReport.vgExtentSize(vg));
    field(r, "vg_extent_count", VgReport.vgExtentCount(vg));
    field(r, "vg_free_count", VgReport.vgFreeCount(vg, map));
    field(r, "max_lv", vg.maxLv());
    field(r, "max_pv", vg.maxPv());
    field(r, "pv_count", VgReport.pvCount(vg));
    field(r, "vg_missing_pv_count", VgReport.vgMissingPvCount(vg));
    field(r, "lv_count", VgReport.lvCount(vg));
    field(r, "vg_seqno", vg.seqno());
    field(r, "vg_tags", VgReport.vgTags(vg));
    field(r, "vg_mda_copies", VgReport.vgMdaCopies(vg));
    field(r, "vg_shared", VgReport.vgShared(vg) ? "shared" : "");
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void pvsFields(String scenario) throws Exception {
    VolumeGroup vg = vg(scenario);
    ExtentMap map = ExtentMap.of(vg);
    List<JsonNode> rows = rows(scenario, "pvs.json", "pv");
    assertEquals(vg.pvs().size(), rows.size());
    for (JsonNode r : rows) {
      PhysicalVolume pv = vg.pv(LvmUuid.parse(r.get("pv_uuid").asText())).orElseThrow();
      field(r, "pv_name", pv.device());
      field(r, "pv_fmt", vg.format());
      field(r, "dev_size", PvReport.devSize(pv));
      field(r, "pe_start", PvReport.peStart(pv));
      field(r, "pv_size", PvReport.pvSize(vg, pv));
      field(r, "pv_free", PvReport.pvFree(vg, map, pv));
      field(r, "pv_used", PvReport.pvUsed(vg, map, pv));
      field(r, "pv_attr", PvReport.pvAttr(pv));
      field(r, "pv_allocatable", PvReport.pvAllocatable(pv));
      field(r, "pv_pe_count", pv.peCount());
      field(r, "pv_pe_alloc_count", PvReport.pvPeAllocCount(map, pv));
      field(r, "pv_tags", PvReport.pvTags(pv));
      field(r, "pv_ba_start", PvReport.pvBaStart(pv));
      field(r, "pv_ba_size", PvReport.pvBaSize(pv));
      field(r, "pv_missing", pv.missing() ? "missing" : "");
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void lvsFields(String scenario) throws Exception {
    VolumeGroup vg = vg(scenario);
    List<JsonNode> rows = rows(scenario, "lvs.json", "lv");
    assertEquals(vg.lvs().size(), rows.size());
    for (JsonNode r : rows) {
      LogicalVolume lv = vg.requireLv(r.get("lv_name").asText());
      field(r, "lv_uuid", lv.id());
      field(r, "lv_full_name", LvReport.lvFullName(vg, lv));
      field(r, "lv_path", LvReport.lvPath(vg, lv));
      field(r, "lv_dm_path", LvReport.lvDmPath(vg, lv));
      field(r, "lv_layout", LvReport.lvLayout(lv));
      field(r, "lv_role", LvReport.lvRole(lv));
      field(r, "lv_allocation_policy", LvReport.lvAllocationPolicy(lv));
      field(r, "lv_read_ahead", LvReport.lvReadAhead(lv));
      field(r, "lv_major", lv.major());
      field(r, "lv_minor", lv.minor());
      field(r, "lv_size", LvReport.lvSize(vg, lv));
      field(r, "seg_count", LvReport.segCount(lv));
      field(r, "lv_tags", LvReport.lvTags(lv));
      field(r, "lv_time", LvReport.lvTime(lv, ZoneOffset.UTC));
      field(r, "lv_host", LvReport.lvHost(lv));
      field(r, "lv_lockargs", lv.lockArgs() == null ? "" : lv.lockArgs());
      // lvm2 ran with activation disabled: state and open are unknown ("X").
      field(r, "lv_attr", LvReport.lvAttr(vg, lv, ActivationState.UNKNOWN));
    }
    for (JsonNode r : rows(scenario, "lvs_names.json", "lv")) {
      LogicalVolume lv = vg.requireLv(r.get("lv_name").asText());
      field(r, "vg_uuid", vg.id());
      field(r, "lv_dm_path", LvReport.lvDmPath(vg, lv));
      field(r, "lv_size", LvReport.lvSize(vg, lv));
    }
    JsonNode dm = JSON.readTree(Lvm2Fixtures.bytes(scenario + "/dm_tables_derived.json"));
    for (Map.Entry<String, JsonNode> e : dm.properties()) {
      LogicalVolume lv = vg.requireLv(e.getKey());
      field(e.getValue(), "dm_name", LvReport.dmName(vg.name(), lv.name()));
      field(e.getValue(), "dm_uuid", LvReport.dmUuid(vg, lv));
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void lvSegmentFields(String scenario) throws Exception {
    VolumeGroup vg = vg(scenario);
    List<JsonNode> rows = rows(scenario, "lvs_segments.json", "seg");
    int total = vg.lvs().stream().mapToInt(l -> l.segments().size()).sum();
    assertEquals(total, rows.size());
    for (JsonNode r : rows) {
      LogicalVolume lv = vg.requireLv(r.get("lv_name").asText());
      long start = r.get("seg_start_pe").asLong();
      Segment s =
          lv.segments().stream().filter(x -> x.startExtent() == start).findFirst().orElseThrow();
      field(r, "lv_attr", LvReport.lvAttr(vg, lv, ActivationState.UNKNOWN));
      field(r, "segtype", LvReport.segtype(s));
      field(r, "stripes", LvReport.stripes(s));
      field(r, "stripe_size", LvReport.stripeSize(s));
      field(r, "seg_size", LvReport.segSize(vg, s));
      field(r, "seg_size_pe", s.extentCount());
      field(r, "seg_pe_ranges", LvReport.segPeRanges(vg, s, LvReport.DEVICE_HINT));
      field(r, "seg_le_ranges", LvReport.segLeRanges(vg, s, LvReport.DEVICE_HINT));
      field(r, "devices", LvReport.devices(vg, s, LvReport.DEVICE_HINT));
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void pvSegmentFields(String scenario) throws Exception {
    VolumeGroup vg = vg(scenario);
    ExtentMap map = ExtentMap.of(vg);
    List<String> expected = new ArrayList<>();
    for (JsonNode r : rows(scenario, "pvs_segments.json", "pvseg")) {
      expected.add(
          r.get("pv_uuid").asText()
              + " "
              + r.get("pvseg_start").asText()
              + "+"
              + r.get("pvseg_size").asText()
              + " "
              + r.get("lv_name").asText()
              + " "
              + r.get("seg_start_pe").asText());
    }
    List<String> actual = new ArrayList<>();
    for (PhysicalVolume pv : vg.pvs()) {
      for (UsedArea u : map.pvSegments(pv.id())) {
        actual.add(
            pv.id()
                + " "
                + u.start()
                + "+"
                + u.count()
                + " "
                + u.lvName()
                + " "
                + u.segmentStart());
      }
    }
    assertEquals(expected, actual);
  }
}
