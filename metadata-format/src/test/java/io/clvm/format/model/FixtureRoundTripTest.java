package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.fixtures.Lvm2Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture's text, parsed into the model and printed back, is byte-identical to lvm2's. */
class FixtureRoundTripTest {
  // The fixtures were made on a machine whose local time was UTC.
  private static final MetadataPrinter DISK = MetadataPrinter.onDisk().withZone(ZoneOffset.UTC);
  private static final MetadataPrinter FILE = MetadataPrinter.backupFile().withZone(ZoneOffset.UTC);

  static List<FixtureTexts.DiskText> diskTexts() {
    return FixtureTexts.all();
  }

  static Stream<String> scenarios() {
    return Lvm2Fixtures.SCENARIOS.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("diskTexts")
  void onDiskTextReprintsByteIdentically(FixtureTexts.DiskText t) throws Exception {
    byte[] bytes = t.bytes();
    assertEquals(0, bytes[bytes.length - 1], "on-disk text ends with a NUL");
    VgMetadata m = MetadataText.parse(bytes, 0, bytes.length, t.pv().name(), t.mdaStart());
    String printed = DISK.print(m);
    assertEquals(new String(t.text(), StandardCharsets.UTF_8), printed);
    assertArrayEquals(bytes, MetadataPrinter.diskBytes(printed));
    assertTrue(printed.startsWith(m.vg().name() + " {\n"));
    assertTrue(printed.endsWith("\n\n"));
  }

  @ParameterizedTest
  @MethodSource("diskTexts")
  void pvckDumpShowsTheSameText(FixtureTexts.DiskText t) throws Exception {
    String dump = t.pv().text("pvck_metadata.txt");
    if (!dump.contains("\n  ---\n")) {
      // pvck prints no text for an ignored metadata area: then the fixture must say it is one.
      assertTrue(
          t.pv().text("decoded.json").contains("\"ignored\": true"),
          t + ": pvck shows no text, yet the metadata area is not ignored");
      return;
    }
    // pvck prints the text up to its NUL between two "---" lines.
    String pvck = t.pv().pvckMetadataText();
    assertEquals(new String(t.text(), StandardCharsets.UTF_8), pvck);
    assertEquals(pvck, DISK.print(MetadataText.parse(pvck)));
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void backupFileReprintsByteIdentically(String scenario) throws Exception {
    String text = Lvm2Fixtures.text(scenario + "/vgcfgbackup.vg");
    VgMetadata m = MetadataText.parse(text);
    assertEquals(text, FILE.print(m));
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void backupAndDiskTextDescribeTheSameVg(String scenario) throws Exception {
    String file = Lvm2Fixtures.text(scenario + "/vgcfgbackup.vg");
    String pv0 = Lvm2Fixtures.SCENARIOS.get(scenario).get(0);
    String disk = Lvm2Fixtures.pv(pv0).pvckMetadataText();
    assertEquals(MetadataText.parse(disk).vg(), MetadataText.parse(file).vg());
  }
}
