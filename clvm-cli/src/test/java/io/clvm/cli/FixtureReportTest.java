package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.format.fixtures.Lvm2Fixtures;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * clvm reads lvm2's golden fixture images (as regular files) and must print lvm2's own JSON reports
 * for them, byte for byte, apart from the device names (files instead of loop devices) and their
 * major/minor numbers.
 */
class FixtureReportTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a_single_pv_two_linear",
        "b_three_pv_striped_spanning",
        "c_wrapped_after_remove_rename",
        "d_two_mda_copies",
        "e_ignored_and_no_mda",
        "f_4k_sector",
        "g_bootloader_area",
        "h_system_id"
      })
  void reportsEqualLvm2s(String scenario) throws java.io.IOException {
    Map<String, String> loopToFile = new LinkedHashMap<>();
    List<String> files = new ArrayList<>();
    for (String pv : Lvm2Fixtures.SCENARIOS.get(scenario)) {
      Lvm2Fixtures.Pv p = new Lvm2Fixtures.Pv(scenario, pv);
      Path file = p.writeImage(tmp.resolve(pv + ".img"));
      loopToFile.put(p.info("loop_device"), file.toString());
      files.add(file.toString());
    }
    String devices = "--devices=" + String.join(",", files);
    String vg = vgName(scenario);
    String[] json = {"--reportformat", "json", "--units", "b", "--nosuffix", "--foreign"};
    check(
        scenario, "pvs.json", loopToFile, concat(new String[] {"pvs", "-o", "all"}, json), devices);
    check(
        scenario,
        "vgs.json",
        loopToFile,
        concat(new String[] {"vgs", "-o", "all", vg}, json),
        devices);
    check(
        scenario,
        "lvs.json",
        loopToFile,
        concat(new String[] {"lvs", "-a", "-o", "all", vg}, json),
        devices);
    check(
        scenario,
        "pvs_segments.json",
        loopToFile,
        concat(
            new String[] {
              "pvs",
              "--segments",
              "-o",
              "pv_name,pv_uuid,pvseg_start,pvseg_size,lv_name,seg_start_pe"
            },
            json),
        devices);
    check(
        scenario,
        "lvs_segments.json",
        loopToFile,
        concat(
            new String[] {
              "lvs",
              "-a",
              "--segments",
              "-o",
              "+seg_start_pe,seg_size_pe,stripes,stripe_size,seg_pe_ranges,seg_le_ranges,devices",
              vg
            },
            json),
        devices);
    check(
        scenario,
        "lvs_names.json",
        loopToFile,
        concat(
            new String[] {
              "lvs", "-a", "-o", "lv_name,lv_uuid,vg_uuid,lv_path,lv_dm_path,lv_size,seg_count", vg
            },
            json),
        devices);
  }

  private static String vgName(String scenario) {
    // The fixtures' VGs: vga for scenario a, vg-b for b, vgc for c...
    return scenario.startsWith("b_") ? "vg-b" : "vg" + scenario.charAt(0);
  }

  private void check(
      String scenario, String file, Map<String, String> loopToFile, String[] args, String devices)
      throws java.io.IOException {
    String expected = Lvm2Fixtures.text(scenario + "/" + file);
    for (Map.Entry<String, String> e : loopToFile.entrySet()) {
      expected = expected.replace(e.getKey() + "\"", e.getValue() + "\"");
      expected = expected.replace(e.getKey() + ":", e.getValue() + ":");
      expected = expected.replace(e.getKey() + "(", e.getValue() + "(");
      expected = expected.replace(e.getKey() + " ", e.getValue() + " ");
    }
    expected = expected.replaceAll("\"pv_major\":\"\\d+\"", "\"pv_major\":\"-1\"");
    expected = expected.replaceAll("\"pv_minor\":\"\\d+\"", "\"pv_minor\":\"-1\"");
    // The fixtures were made with lvm2's activation=0 (see their README): clvm too, here.
    java.nio.file.Files.writeString(
        tmp.resolve("activation0.conf"), "global {\n  activation = 0\n}\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of("CLVM_CONF", tmp.resolve("activation0.conf").toString()));
    int status = Main.run(concat(args, new String[] {devices}), s);
    assertEquals(0, status, scenario + " " + file + ": " + err);
    assertEquals(expected, out.toString(), scenario + " " + file);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
