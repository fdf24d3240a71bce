package io.clvm.format.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture's headers against lvm2's own dump and the independent decoder's JSON. */
class FixtureHeadersTest {
  @TempDir Path tmp;

  static Stream<Pv> pvs() {
    return Lvm2Fixtures.allPvs().stream();
  }

  private FileDevice open(Pv pv) throws Exception {
    Path img = pv.writeImage(tmp.resolve(pv.name() + ".img"));
    return FileDevice.open(img, false, pv.logicalBlockSize());
  }

  @ParameterizedTest
  @MethodSource("pvs")
  void dumpEqualsPvckDumpHeaders(Pv pv) throws Exception {
    try (FileDevice dev = open(pv)) {
      Label label = LabelReader.scan(dev).orElseThrow();
      List<String> expected =
          new ArrayList<>(Arrays.asList(pv.text("pvck_headers.txt").split("\n")));
      expected.removeIf(l -> l.contains("WARNING: Activation disabled"));
      assertEquals(String.join("\n", expected), String.join("\n", HeadersDump.of(dev, label)));
    }
  }

  @ParameterizedTest
  @MethodSource("pvs")
  void fieldsEqualDecodedJson(Pv pv) throws Exception {
    JsonNode j = new ObjectMapper().readTree(pv.file(pv.name() + ".decoded.json"));
    try (FileDevice dev = open(pv)) {
      Label label = LabelReader.scan(dev).orElseThrow();
      JsonNode l = j.get("label");
      PvHeader h = label.pvHeader();
      assertEquals(l.get("label_sector").asInt(), label.sector());
      assertEquals(l.get("sector_field").asInt(), label.sector());
      assertEquals(hex(l.get("crc_stored")), label.crc());
      assertEquals(l.get("contents_offset").asLong(), label.contentsOffset());
      assertEquals(l.get("pv_uuid_raw").asText(), h.uuid());
      assertEquals(l.get("pv_uuid").asText(), h.uuidText());
      assertEquals(l.get("device_size").asLong(), h.deviceSize());
      assertEquals(locns(l.get("data_areas")), h.dataAreas());
      assertEquals(locns(l.get("metadata_areas")), h.metadataAreas());
      assertEquals(l.get("ext_version").asLong(), h.extensionVersion());
      assertEquals(l.get("ext_flags").asLong(), h.extensionFlags());
      assertEquals(locns(l.get("bootloader_areas")), h.bootloaderAreas());
      assertTrue(h.inUse());

      JsonNode mdas = j.get("mdas");
      assertEquals(mdas.size(), h.metadataAreas().size());
      for (int i = 0; i < mdas.size(); i++) {
        JsonNode m = mdas.get(i);
        MdaHeader mh = MdaHeaderCodec.read(dev, m.get("mda_start").asLong());
        assertEquals(hex(m.get("crc_stored")), mh.checksum());
        assertEquals(m.get("version").asLong(), mh.version());
        assertEquals(m.get("start_field").asLong(), mh.start());
        assertEquals(m.get("size").asLong(), mh.size());
        assertSlot(m.get("raw_locns").get(0), mh.committed());
        assertSlot(m.get("raw_locns").get(1), mh.precommitted());
        if (!mh.ignored()) {
          byte[] text = MetadataBuffer.read(dev, mh, mh.committed());
          assertEquals(0, text[text.length - 1]);
          String s = new String(text, 0, text.length - 1, StandardCharsets.UTF_8);
          assertTrue(s.startsWith(m.get("vg_name").asText() + " {"));
          assertTrue(s.contains("\nseqno = " + m.get("seqno").asLong() + "\n"));
          assertEquals(pv.pvckMetadataText(), s);
          boolean wrapped = mh.committed().offset() + mh.committed().size() > mh.size();
          assertEquals(!m.get("wrapped").isNull(), wrapped);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pvs")
  void reEncodingGivesIdenticalBytes(Pv pv) throws Exception {
    try (FileDevice dev = open(pv)) {
      Label label = LabelReader.scan(dev).orElseThrow();
      byte[] sector = dev.read(label.byteOffset(), 512, "label");
      assertArrayEquals(sector, LabelWriter.encode(label));
      assertArrayEquals(
          sector, LabelWriter.encode(LabelReader.decode(sector, label.sector(), dev.name())));
      for (DiskLocn m : label.pvHeader().metadataAreas()) {
        byte[] raw = dev.read(m.offset(), 512, "mda");
        assertArrayEquals(raw, MdaHeaderCodec.encode(MdaHeaderCodec.decode(raw, m.offset(), "x")));
      }
    }
  }

  @Test
  void wrappedCopyOfFixtureC() throws Exception {
    Pv pv = Lvm2Fixtures.pv("c_pv0");
    try (FileDevice dev = open(pv)) {
      MdaHeader h = MdaHeaderCodec.read(dev, 4096);
      assertEquals(new RawLocn(31232, 1547, 0xaa27392dL, 0), h.committed());
      assertEquals(32768, h.size());
      byte[] text = MetadataBuffer.read(dev, h, h.committed());
      assertEquals(1547, text.length);
      byte[] head = pv.head();
      // 1536 bytes run to the end of the area, the last 11 start right after the header.
      assertArrayEquals(
          Arrays.copyOfRange(head, 4096 + 31232, 4096 + 32768), Arrays.copyOf(text, 1536));
      assertArrayEquals(
          Arrays.copyOfRange(head, 4608, 4608 + 11), Arrays.copyOfRange(text, 1536, 1547));
      assertEquals(pv.pvckMetadataText() + "\0", new String(text, StandardCharsets.UTF_8));
      assertEquals(15616, MetadataBuffer.maxTextSize(h.size()));
    }
  }

  @Test
  void layoutOfEveryFixtureIsWhatTheFormatterComputes() throws Exception {
    // The pvcreate options of each scenario (commands.log) give the same PV header layout.
    check("a_pv0", base("a_pv0"));
    check("c_pv0", base("c_pv0").withMetadataSize(32768).withDataAlignment(4096));
    check("d_pv0", base("d_pv0").withMetadataCopies(2));
    check("e_pv1", base("e_pv1"));
    check("e_pv2", base("e_pv2").withMetadataCopies(0));
    check("f_pv0", base("f_pv0"));
    check("g_pv0", base("g_pv0").withBootloaderAreaSize(1 << 20));
  }

  private PvFormatOptions base(String name) throws Exception {
    try (FileDevice dev = open(Lvm2Fixtures.pv(name))) {
      return PvFormatOptions.defaults(LabelReader.scan(dev).orElseThrow().pvHeader().uuid());
    }
  }

  private void check(String name, PvFormatOptions o) throws Exception {
    Pv pv = Lvm2Fixtures.pv(name);
    try (FileDevice dev = open(pv)) {
      PvHeader actual = LabelReader.scan(dev).orElseThrow().pvHeader();
      PvHeader expected = PvFormatter.layout(pv.deviceSize(), o).withExtensionFlags(1);
      assertEquals(expected, actual, name);
    }
  }

  private static void assertSlot(JsonNode j, RawLocn r) {
    assertEquals(j.get("offset").asLong(), r.offset());
    assertEquals(j.get("size").asLong(), r.size());
    assertEquals(hex(j.get("checksum")), r.checksum());
    assertEquals(j.get("flags").asLong(), r.flags());
    assertEquals(j.get("ignored").asBoolean(), r.ignored());
  }

  private static List<DiskLocn> locns(JsonNode a) {
    List<DiskLocn> out = new ArrayList<>();
    a.forEach(n -> out.add(new DiskLocn(n.get("offset").asLong(), n.get("size").asLong())));
    return out;
  }

  private static long hex(JsonNode n) {
    return Long.parseLong(n.asText().substring(2), 16);
  }
}
