package io.clvm.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clvm.engine.units.Units;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report engine against lvm2 2.03.16's own output for the same VG (captured live into
 * lvm2/*.txt: VG vg-x on three 64 MiB loop devices with LVs big, lv1 and striped).
 */
class ReportTest {
  private static final long MIB = 1L << 20;

  private static ReportRow row(Map<String, Value> values) {
    return f -> values.get(f.id());
  }

  private static Map<String, Value> vg() {
    Map<String, Value> m = new HashMap<>();
    m.put("vg_name", Value.text("vg-x"));
    m.put("vg_attr", Value.text("wz--n-"));
    m.put("vg_size", Value.size(180 * MIB));
    m.put("vg_free", Value.size(76 * MIB));
    m.put("pv_count", Value.num(3));
    m.put("lv_count", Value.num(3));
    m.put("snap_count", Value.num(0));
    return m;
  }

  private static ReportRow lv(String name, long mib, String tags) {
    Map<String, Value> m = vg();
    m.put("lv_name", Value.text(name));
    m.put("lv_attr", Value.text("-wi-XX----"));
    m.put("lv_size", Value.size(mib * MIB));
    m.put("lv_time", Value.text("2026-11-27 10:58:32 +0000"));
    m.put("lv_tags", Value.words(tags.isEmpty() ? List.of() : List.of(tags.split(","))));
    return row(m);
  }

  private static List<ReportRow> lvs() {
    // Deliberately not in lvm2's order: the default sort (vg_name,lv_name) must put them there.
    return List.of(lv("striped", 16, ""), lv("lv1", 12, ""), lv("big", 76, ""));
  }

  private static String lvm2(String file) throws IOException {
    try (InputStream in = ReportTest.class.getResourceAsStream("lvm2/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String render(ReportKind kind, ReportOptions options, List<ReportRow> rows)
      throws ReportException {
    return Report.prepare(kind, options).render(rows);
  }

  private static ReportOptions opts(String... fields) {
    List<String> f = new ArrayList<>(List.of(fields));
    return ReportOptions.defaults().withFields(f);
  }

  @Test
  void defaultColumnsAreLvm2s() throws Exception {
    assertEquals(lvm2("lvs_default.txt"), render(ReportKind.LVS, opts(), lvs()));
  }

  @Test
  void jsonHasLvm2sShape() throws Exception {
    assertEquals(
        lvm2("lvs_json.txt"), render(ReportKind.LVS, opts().withFormat(ReportFormat.JSON), lvs()));
    assertEquals(
        lvm2("lvs_json_units.txt"),
        render(
            ReportKind.LVS,
            opts("lv_name,lv_size").withUnits(Units.parse("h")).withFormat(ReportFormat.JSON),
            lvs()));
  }

  @Test
  void unitsAndSuffix() throws Exception {
    assertEquals(
        lvm2("lvs_units_m_nosuffix.txt"),
        render(
            ReportKind.LVS,
            opts("lv_name,lv_size").withUnits(Units.parse("m")).withSuffix(false),
            lvs()));
    assertEquals(
        lvm2("lvs_units_b.txt"),
        render(ReportKind.LVS, opts("lv_size").withUnits(Units.parse("b")), lvs()));
    assertEquals(
        lvm2("lvs_units_G.txt"),
        render(ReportKind.LVS, opts("lv_size").withUnits(Units.parse("G")), lvs()));
    assertEquals(
        lvm2("lvs_units_4k.txt"),
        render(ReportKind.LVS, opts("lv_size").withUnits(Units.parse("4k")), lvs()));
  }

  @Test
  void separatorsAndPrefixes() throws Exception {
    assertEquals(
        lvm2("lvs_separator.txt"),
        render(
            ReportKind.LVS, opts("lv_name,lv_size").withSeparator(":").withHeadings(false), lvs()));
    assertEquals(
        lvm2("lvs_separator_aligned.txt"),
        render(
            ReportKind.LVS, opts("lv_name,lv_size").withSeparator(":").withAligned(true), lvs()));
    assertEquals(
        lvm2("lvs_nameprefixes.txt"),
        render(ReportKind.LVS, opts("lv_name,lv_size,lv_tags").withNamePrefixes(true), lvs()));
  }

  @Test
  void sortSelectAndShortNames() throws Exception {
    assertEquals(
        lvm2("lvs_sort_desc.txt"),
        render(ReportKind.LVS, opts("lv_name,lv_size").withSort(List.of("-lv_size")), lvs()));
    assertEquals(
        lvm2("lvs_select.txt"), render(ReportKind.LVS, opts().withSelect("lv_size>12m"), lvs()));
    assertEquals(
        lvm2("lvs_select_or.txt"),
        render(ReportKind.LVS, opts("lv_name").withSelect("lv_name=~^s || lv_size<13m"), lvs()));
    assertEquals(
        lvm2("lvs_short_names.txt"), render(ReportKind.LVS, opts("name,size,attr"), lvs()));
  }

  @Test
  void minimumWidthsAndTruncatedHeadings() throws Exception {
    assertEquals(
        lvm2("lvs_widths.txt"),
        render(
            ReportKind.LVS,
            opts("lv_name,lv_initial_image_sync,lv_skip_activation,lv_time"),
            lvs()));
  }

  @Test
  void vgsDefault() throws Exception {
    assertEquals(lvm2("vgs_default.txt"), render(ReportKind.VGS, opts(), List.of(row(vg()))));
  }

  @Test
  void segmentFieldsTurnLvsIntoSegments() throws Exception {
    assertEquals(ReportKind.SEGS, Report.prepare(ReportKind.LVS, opts("+devices")).kind());
    assertEquals(ReportKind.PVSEGS, Report.prepare(ReportKind.PVS, opts("+lv_name")).kind());
    ReportException e =
        assertThrows(ReportException.class, () -> Report.prepare(ReportKind.LVS, opts("pv_name")));
    assertEquals(
        "Can't report LV and PV fields at the same time in report type \"lv\".", e.getMessage());
  }

  @Test
  void unknownFieldsAndSelections() {
    ReportException e =
        assertThrows(ReportException.class, () -> Report.prepare(ReportKind.LVS, opts("bogus")));
    assertEquals("Unrecognised field: bogus", e.getMessage());
    e =
        assertThrows(
            ReportException.class,
            () -> Report.prepare(ReportKind.LVS, opts().withSelect("foo=1")));
    assertEquals(
        "Unrecognised selection field: foo\nSelection syntax error at 'foo=1'.\n"
            + "Use 'help' for selection to get more help.",
        e.getMessage());
  }

  @Test
  void emptyReports() throws Exception {
    assertEquals("", render(ReportKind.LVS, opts(), List.of()));
    assertEquals(
        "  {\n      \"report\": [\n          {\n              \"lv\": [\n              ]\n"
            + "          }\n      ]\n  }\n",
        render(ReportKind.LVS, opts().withFormat(ReportFormat.JSON), List.of()));
  }

  @Test
  void selectionOperators() throws Exception {
    List<ReportRow> rows =
        List.of(lv("a", 4, "x,y"), lv("b", 8, "y"), lv("c", 12, ""), lv("d\"q", 16, ""));
    String names = "lv_name";
    assertEquals(
        "  LV  \n  a   \n", render(ReportKind.LVS, opts(names).withSelect("lv_tags={x}"), rows));
    assertEquals(
        "  LV  \n  a   \n  b   \n",
        render(ReportKind.LVS, opts(names).withSelect("lv_tags=y"), rows));
    assertEquals(
        "  LV  \n  b   \n", render(ReportKind.LVS, opts(names).withSelect("lv_tags=[y]"), rows));
    assertEquals(
        "  LV  \n  c   \n",
        render(ReportKind.LVS, opts(names).withSelect("!(lv_size<=8m) && lv_size!=16m"), rows));
    assertEquals(
        "  LV  \n  b   \n  c   \n",
        render(ReportKind.LVS, opts(names).withSelect("lv_size>=8m,lv_size<16m"), rows));
    assertEquals(
        "  LV  \n  a   \n  d\"q \n",
        render(ReportKind.LVS, opts(names).withSelect("lv_name='a' # lv_size>12m"), rows));
    assertEquals(
        "  LV  \n  b   \n  c   \n  d\"q \n",
        render(ReportKind.LVS, opts(names).withSelect("lv_name!~\"^a\""), rows));
    assertThrows(
        ReportException.class, () -> Report.prepare(ReportKind.LVS, opts().withSelect("lv_name")));
    String json = render(ReportKind.LVS, opts(names).withFormat(ReportFormat.JSON), rows);
    assertEquals(true, json.contains("{\"lv_name\":\"d\\\"q\"}"));
  }
}
