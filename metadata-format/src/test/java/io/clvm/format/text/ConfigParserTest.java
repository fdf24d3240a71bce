package io.clvm.format.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.MetadataException;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

  static Stream<Pv> pvsWithText() {
    // e_pv1's only area is ignored and e_pv2 has none: pvck prints no text for them.
    return Lvm2Fixtures.allPvs().stream()
        .filter(p -> !p.name().equals("e_pv1") && !p.name().equals("e_pv2"));
  }

  static Stream<String> scenarios() {
    return Lvm2Fixtures.SCENARIOS.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("pvsWithText")
  void parsesLvm2OnDiskText(Pv pv) throws Exception {
    String text = pv.pvckMetadataText();
    ConfigSection root = ConfigParser.parse(text);

    ConfigSection vg = root.firstSection().orElseThrow();
    assertEquals(text.substring(0, text.indexOf(' ')), vg.key());
    assertEquals(new ConfigValue.Str("Text Format Volume Group"), root.value("contents").get());
    assertEquals(new ConfigValue.Int(1), root.value("version").get());
    assertTrue(vg.value("seqno").get() instanceof ConfigValue.Int);
    assertTrue(vg.section("physical_volumes").isPresent());
    assertEquals(1, vg.line());
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void backupFileAndOnDiskTextGiveTheSameVgSection(String scenario) throws Exception {
    ConfigSection file = ConfigParser.parse(Lvm2Fixtures.text(scenario + "/vgcfgbackup.vg"));
    Pv first = new Pv(scenario, Lvm2Fixtures.SCENARIOS.get(scenario).get(0));
    ConfigSection disk = ConfigParser.parse(first.pvckMetadataText());
    ConfigSection fileVg = file.firstSection().orElseThrow();
    ConfigSection diskVg = disk.firstSection().orElseThrow();
    assertEquals(diskVg.key(), fileVg.key());
    assertEquals(diskVg.section("logical_volumes"), fileVg.section("logical_volumes"));
  }

  @ParameterizedTest
  @MethodSource("pvsWithText")
  void printedTreeParsesBackEqual(Pv pv) throws Exception {
    ConfigSection root = ConfigParser.parse(pv.pvckMetadataText());
    for (ConfigPrinter p : List.of(ConfigPrinter.onDisk(), ConfigPrinter.file())) {
      String printed = p.print(root);
      assertEquals(root, ConfigParser.parse(printed));
      assertEquals(printed, p.print(ConfigParser.parse(printed)));
    }
  }

  @Test
  void onDiskPrinterShape() throws Exception {
    ConfigSection root = ConfigSection.root();
    ConfigSection vg = root.addSection("vg0");
    vg.add("id", "abc").add("seqno", 4);
    vg.add("status", ConfigValue.ofStrings(List.of("READ", "WRITE")));
    vg.add("flags", new ConfigValue.Array(List.of()));
    vg.addSection("physical_volumes").addSection("pv0").add("pe_start", 2048);
    root.add("description", "say \"hi\" \\ bye");
    root.add("weird key", 1);
    assertEquals(
        "vg0 {\n"
            + "id = \"abc\"\n"
            + "seqno = 4\n"
            + "status = [\"READ\", \"WRITE\"]\n"
            + "flags = []\n"
            + "physical_volumes {\n"
            + "pv0 {\n"
            + "pe_start = 2048\n"
            + "}\n"
            + "}\n"
            + "}\n"
            + "description = \"say \\\"hi\\\" \\\\ bye\"\n"
            + "\"weird key\" = 1\n",
        ConfigPrinter.onDisk().print(root));
    assertEquals(root, ConfigParser.parse(ConfigPrinter.onDisk().print(root)));
    assertEquals(
        "pv0 {\n\tpe_start = 2048\n}\n",
        ConfigPrinter.file().print(vg.section("physical_volumes").get().section("pv0").get()));
    assertEquals("x = 1.500000\n", ConfigPrinter.onDisk().print(parse("x = 1.5")));
  }

  @Test
  void stringEscapesAreOnlyQuoteAndBackslash() throws Exception {
    ConfigSection root = parse("d = \"a \\\"b\\\" c\\\\d \\x \\n\"\nr = 'raw \\\" x'");
    assertEquals(new ConfigValue.Str("a \"b\" c\\d \\x \\n"), root.value("d").get());
    // A single-quoted string has no escapes and ends at the next quote.
    assertEquals(new ConfigValue.Str("raw \\\" x"), root.value("r").get());
  }

  @Test
  void integersFollowStrtoll() throws Exception {
    ConfigSection root =
        parse(
            "a = 010\nb = 019\nc = -010\nd = 0\ne = 9223372036854775808\n"
                + "f = -9223372036854775809\ng = +12\nh = 00\ni = -9223372036854775808");
    assertEquals(new ConfigValue.Int(8), root.value("a").get());
    assertEquals(new ConfigValue.Int(1), root.value("b").get());
    assertEquals(new ConfigValue.Int(-8), root.value("c").get());
    assertEquals(new ConfigValue.Int(0), root.value("d").get());
    assertEquals(new ConfigValue.Int(Long.MAX_VALUE), root.value("e").get());
    assertEquals(new ConfigValue.Int(Long.MIN_VALUE), root.value("f").get());
    assertEquals(new ConfigValue.Int(12), root.value("g").get());
    assertEquals(new ConfigValue.Int(0), root.value("h").get());
    assertEquals(new ConfigValue.Int(Long.MIN_VALUE), root.value("i").get());
  }

  @Test
  void arraysSpanLinesCommasAreOptionalTypesMix() throws Exception {
    ConfigSection root = parse("s = [\n\"pv1\", 0,\n\"pv2\" 4 # c\n]\ne = [ ]\nf = [1.5, -.5]");
    assertEquals(
        new ConfigValue.Array(
            List.of(
                new ConfigValue.Str("pv1"),
                new ConfigValue.Int(0),
                new ConfigValue.Str("pv2"),
                new ConfigValue.Int(4))),
        root.value("s").get());
    assertEquals(new ConfigValue.Array(List.of()), root.value("e").get());
    assertEquals(
        new ConfigValue.Array(List.of(new ConfigValue.Real(1.5), new ConfigValue.Real(-0.5))),
        root.value("f").get());
  }

  @Test
  void commentsDroppedNulEndsTextBareWordsAndQuotedKeys() throws Exception {
    byte[] b = "# top\nvg { # x\n\"quoted key\" = bare\n}\n\0garbage {".getBytes();
    ConfigSection root = ConfigParser.parse(b);
    ConfigSection vg = root.section("vg").get();
    assertEquals(new ConfigValue.Str("bare"), vg.value("quoted key").get());
    assertEquals(2, vg.line());
    assertEquals(3, vg.children().get(0).line());
    assertEquals(1, root.children().size());
  }

  @Test
  void lookupsReturnTheFirstOfDuplicateKeys() throws Exception {
    ConfigSection root = parse("a = 1\na = 2\nb { }\n");
    assertEquals(new ConfigValue.Int(1), root.value("a").get());
    assertFalse(root.value("b").isPresent());
    assertFalse(root.section("a").isPresent());
    assertEquals(2, root.settings().size());
    assertEquals(1, root.sections().size());
    root.add("c", 3);
    assertEquals(new ConfigValue.Int(3), root.value("c").get());
  }

  @Test
  void topLevelSettingsBeforeTheVgAreSkippedByFirstSection() throws Exception {
    ConfigSection root = parse("contents = \"x\"\nvg1 {\n}\nvg2 {\n}\n");
    assertEquals("vg1", root.firstSection().get().key());
    assertFalse(parse("a = 1").firstSection().isPresent());
  }

  @Test
  void syntaxErrorsNameLineAndColumn() {
    assertError("vg {\nid = \n}\n", "metadata text: line 3, column 1: expected a value, found '}'");
    assertError("vg {\nid = \"abc\n}\n", "metadata text: line 2, column 6: unterminated string");
    assertError("r = 'abc", "metadata text: line 1, column 5: unterminated string");
    assertError(
        "vg {\npv {\n",
        "metadata text: line 3, column 1: unexpected end of text: section 'pv' opened at line 2"
            + " is not closed");
    assertError("}", "metadata text: line 1, column 1: unexpected '}' outside any section");
    assertError(
        "vg {\n  seqno 3\n}",
        "metadata text: line 2, column 9: expected '=' or '{' after 'seqno', found '3'");
    assertError(
        "a = 0x10\n",
        "metadata text: line 2, column 1: expected '=' or '{' after 'x10', found" + " end of text");
    assertError(
        "a = [1, [2]]", "metadata text: line 1, column 9: expected a value or ']', found '['");
    assertError("= 1", "metadata text: line 1, column 1: expected a key, found '='");
    assertError("v { ] }", "metadata text: line 1, column 5: expected a key or '}', found ']'");
    assertError("a = -", "metadata text: line 1, column 5: malformed number '-'");
    assertError(
        "a = \"s\" \"t\"",
        "metadata text: line 1, column 12: expected '=' or '{' after" + " 't', found end of text");
  }

  @Test
  void errorsNameTheDeviceAndTheTextOffset() {
    byte[] b = "vga {\nseqno = =\n}".getBytes(StandardCharsets.UTF_8);
    TextSyntaxException e =
        assertThrows(
            TextSyntaxException.class,
            () -> ConfigParser.parse(b, 0, b.length, "/dev/loop0", 6656));
    assertEquals(
        "/dev/loop0 at byte 6656: metadata text: line 2, column 9: expected a value, found '='",
        e.getMessage());
    assertEquals(2, e.line());
    assertEquals(9, e.column());
    assertEquals(MetadataException.Kind.SYNTAX, e.kind());
    assertEquals("/dev/loop0", e.device());
    assertEquals(6656, e.offset());
    assertEquals("metadata text", e.structure());
  }

  @Test
  void parsesATenThousandLvTextFast() throws Exception {
    byte[] text = BigVgText.generate(10_000).getBytes(StandardCharsets.UTF_8);
    assertTrue(text.length > 2_000_000, "size " + text.length);
    ConfigSection root = null;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 15; i++) {
      long t0 = System.nanoTime();
      root = ConfigParser.parse(text);
      best = Math.min(best, System.nanoTime() - t0);
    }
    ConfigSection lvs = root.firstSection().get().section("logical_volumes").get();
    assertEquals(10_000, lvs.sections().size());
    assertTrue(lvs.section("lv9999").isPresent());
    System.out.printf("parse of %d bytes (10,000 LVs): best %.1f ms%n", text.length, best / 1e6);
    // Generous bound: catches accidental quadratic behaviour, not a benchmark.
    assertTrue(best < 1_000_000_000L, "parse took " + best / 1e6 + " ms");
  }

  private static ConfigSection parse(String s) throws TextSyntaxException {
    return ConfigParser.parse(s);
  }

  private static void assertError(String text, String message) {
    TextSyntaxException e = assertThrows(TextSyntaxException.class, () -> parse(text));
    assertEquals(message, e.getMessage());
  }
}
