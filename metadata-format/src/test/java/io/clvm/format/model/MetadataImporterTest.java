package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.MetadataException;
import io.clvm.format.alloc.LvOperations;
import io.clvm.format.alloc.SizeSpec;
import io.clvm.format.text.ConfigValue;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The importer's checks and what it keeps; opaque segments survive a rewrite. */
class MetadataImporterTest {
  static final String PV0 = "Chkb4w-2d7L-UFP9-82KX-eiL2-86To-pxsr4I";
  static final String PV1 = "utUqn7-iL7E-i4zK-C2Ff-vxd3-lPow-SR1oNF";

  /** lvm2's minimal accepted text (oracle E9) with a body for the LVs. */
  static String minimal(String lvs) {
    return "vga {\n"
        + "id = \"4b57dx-0cMO-zifh-pCxB-IjTS-y5Dh-HI6JB9\"\n"
        + "seqno = 4\n"
        + "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\n"
        + "extent_size = 8192\n"
        + "max_lv = 0\n"
        + "max_pv = 0\n"
        + "physical_volumes {\n"
        + "pv0 {\nid = \""
        + PV0
        + "\"\nstatus = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 15\n}\n"
        + "pv1 {\nid = \""
        + PV1
        + "\"\nstatus = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 15\n}\n"
        + "}\n"
        + lvs
        + "}\n"
        + "contents = \"Text Format Volume Group\"\n"
        + "version = 1\n";
  }

  static String linearLv(String name, String pv, int pe, int count) {
    return name
        + " {\nid = \"DY6skK-5Edu-A8W7-wSz4-04Dp-Gdx0-S9uive\"\n"
        + "status = [\"READ\", \"WRITE\", \"VISIBLE\"]\nsegment_count = 1\n"
        + "segment1 {\nstart_extent = 0\nextent_count = "
        + count
        + "\ntype = \"striped\"\n"
        + "stripe_count = 1\nstripes = [\""
        + pv
        + "\", "
        + pe
        + "]\n}\n}\n";
  }

  private static MetadataException fails(String text) {
    return assertThrows(MetadataException.class, () -> MetadataText.parse(text));
  }

  @Test
  void minimalTextIsAcceptedAndRewrittenInLvm2Style() throws Exception {
    VgMetadata m =
        MetadataText.parse(
            minimal("logical_volumes {\n" + linearLv("only_lv", "pv0", 0, 2) + "}\n"));
    VolumeGroup vg = m.vg();
    assertEquals(4, vg.seqno());
    assertEquals(2, vg.requireLv("only_lv").extentCount());
    assertEquals(0, vg.pvs().get(0).devSize());
    assertEquals("", m.header().description());
    String printed = MetadataPrinter.onDisk().withZone(ZoneOffset.UTC).print(m);
    assertTrue(printed.contains("format = \"lvm2\"\n"));
    assertTrue(printed.contains("device = \"[unknown]\"\n"));
    assertEquals(vg, MetadataText.parse(printed).vg());
  }

  @Test
  void headerAndRequiredKeys() {
    assertTrue(fails("vga {\n}\nversion = 1\n").getMessage().contains("missing contents field"));
    assertEquals(
        MetadataException.Kind.UNSUPPORTED_VERSION,
        fails(minimal("").replace("version = 1", "version = 2")).kind());
    MetadataException e = fails(minimal("").replace("seqno = 4\n", ""));
    assertEquals("metadata text: VG vga: missing required key seqno", e.getMessage());
    assertEquals(MetadataException.Kind.MISSING, e.kind());
    assertTrue(
        fails(minimal("").replace("RESIZEABLE", "BOGUS"))
            .getMessage()
            .contains("Unknown status flag 'BOGUS'."));
    assertTrue(
        fails(minimal("").replace("seqno = 4", "seqno = \"4\""))
            .getMessage()
            .contains("seqno must be an integer"));
    assertTrue(fails(minimal("").replace(PV1, PV0)).getMessage().contains("duplicate PV UUID"));
    assertTrue(
        fails(minimal("").replace("vga {", "-vga {"))
            .getMessage()
            .contains("must not start with a hyphen"));
    assertTrue(
        fails(minimal("").replace("\"4b57dx", "\"4b57")).getMessage().contains("invalid id"));
  }

  @Test
  void segmentChecks() {
    String lv = linearLv("l", "pv0", 0, 2);
    assertTrue(
        fails(
                minimal(
                    "logical_volumes {\n"
                        + lv.replace("segment_count = 1", "segment_count = 2")
                        + "}\n"))
            .getMessage()
            .contains(
                "segment_count and actual number of segments disagree for logical volume l (2 != 1)."));
    assertTrue(
        fails(minimal("logical_volumes {\n" + lv.replace("\"pv0\"", "\"pv7\"") + "}\n"))
            .getMessage()
            .contains("Couldn't find volume 'pv7' for segment."));
    assertTrue(
        fails(
                minimal(
                    "logical_volumes {\n"
                        + lv.replace("start_extent = 0", "start_extent = 1")
                        + "}\n"))
            .getMessage()
            .contains("gap or overlap"));
    assertTrue(
        fails(
                minimal(
                    "logical_volumes {\n"
                        + lv.replace("stripe_count = 1", "stripe_count = 2")
                        + "}\n"))
            .getMessage()
            .contains("missing required key stripe_size"));
  }

  @Test
  void adjacentSegmentsAreMergedOnImportAsLvm2Does() throws Exception {
    String two =
        "l {\nid = \"DY6skK-5Edu-A8W7-wSz4-04Dp-Gdx0-S9uive\"\n"
            + "status = [\"READ\", \"WRITE\", \"VISIBLE\"]\nsegment_count = 2\n"
            + "segment2 {\nstart_extent = 2\nextent_count = 3\ntype = \"striped\"\n"
            + "stripe_count = 1\nstripes = [\"pv0\", 2]\n}\n"
            + "segment1 {\nstart_extent = 0\nextent_count = 2\ntype = \"striped\"\n"
            + "stripe_count = 1\nstripes = [\"pv0\", 0]\n}\n}\n";
    LogicalVolume lv =
        MetadataText.parse(minimal("logical_volumes {\n" + two + "}\n")).vg().requireLv("l");
    assertEquals(List.of(StripedSegment.linear(0, 5, LvmUuid.parse(PV0), 0)), lv.segments());
  }

  @Test
  void unknownKeysAndFlagsAreKept() throws Exception {
    String text =
        minimal("logical_volumes {\n" + linearLv("l", "pv0", 0, 2) + "}\n")
            .replace(
                "max_pv = 0\n",
                "max_pv = 0\nfuture_key = [1, \"two\"]\nflags = [\"FUTURE_FLAG\"]\n")
            .replace("segment_count = 1", "read_ahead = -1\nlv_future = \"x\"\nsegment_count = 1");
    VolumeGroup vg = MetadataText.parse(text).vg();
    assertEquals(List.of("FUTURE_FLAG"), vg.unknownFlags());
    assertEquals(
        new RawEntry.Setting(
            "future_key",
            new ConfigValue.Array(List.of(new ConfigValue.Int(1), new ConfigValue.Str("two")))),
        vg.extra().get(0));
    LogicalVolume lv = vg.requireLv("l");
    assertEquals(-1, lv.readAhead());
    assertEquals(1, lv.extra().size());
    for (MetadataPrinter p : List.of(MetadataPrinter.onDisk(), MetadataPrinter.backupFile())) {
      String printed =
          p.print(new VgMetadata(vg, new MetadataHeader(null, null, null, 1, null, null)));
      assertTrue(printed.contains("future_key = [1, \"two\"]"));
      assertTrue(printed.contains("\"FUTURE_FLAG\""));
      assertEquals(vg, MetadataText.parse(printed).vg());
    }
  }

  /** A thin pool and a thin LV, as lvm2 writes them (abridged). */
  static String thinVg() {
    String seg = "segment1 {\nstart_extent = 0\nextent_count = %d\ntype = \"%s\"\n%s}\n";
    String lvs =
        "logical_volumes {\n"
            + "pool {\nid = \"G6Ny0O-rM97-xPcP-CaIW-e8ey-ckwf-8uADYb\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\nsegment_count = 1\n"
            + String.format(
                seg,
                2,
                "thin-pool",
                "metadata = \"pool_tmeta\"\npool = \"pool_tdata\"\ntransaction_id = 1\nchunk_size = 128\ndiscards = \"passdown\"\nzero_new_blocks = 1\n")
            + "}\n"
            + "thin1 {\nid = \"bPg740-sEkd-uRlI-fDYd-7bTS-QmhT-3Nag06\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\nsegment_count = 1\n"
            + String.format(
                seg, 4, "thin", "thin_pool = \"pool\"\ntransaction_id = 0\ndevice_id = 1\n")
            + "}\n"
            + linearLv("pool_tdata", "pv0", 0, 2)
                .replace("\"VISIBLE\"", "\"READ\"")
                .replace("[\"READ\", \"WRITE\", \"READ\"]", "[\"READ\", \"WRITE\"]")
                .replace("DY6skK", "Aa1YfH")
            + linearLv("pool_tmeta", "pv1", 0, 1)
                .replace("[\"READ\", \"WRITE\", \"VISIBLE\"]", "[\"READ\", \"WRITE\"]")
                .replace("DY6skK", "viEQkt")
            + linearLv("lvol0_pmspare", "pv1", 1, 1)
                .replace("[\"READ\", \"WRITE\", \"VISIBLE\"]", "[\"READ\", \"WRITE\"]")
                .replace("DY6skK", "wgyMph")
            + "}\n";
    return minimal(lvs);
  }

  @Test
  void opaqueSegmentsAreKeptVerbatimAndOperationsRefused() throws Exception {
    VolumeGroup vg = MetadataText.parse(thinVg()).vg();
    assertTrue(vg.hasOpaqueSegments());
    OpaqueSegment pool = (OpaqueSegment) vg.requireLv("pool").segments().get(0);
    assertEquals("thin-pool", pool.type());
    assertEquals(6, pool.entries().size());
    assertFalse(vg.requireLv("pool_tdata").visible());

    for (MetadataPrinter p : List.of(MetadataPrinter.onDisk(), MetadataPrinter.backupFile())) {
      String printed =
          p.print(new VgMetadata(vg, new MetadataHeader(null, null, null, 1, null, null)));
      assertEquals(vg, MetadataText.parse(printed).vg());
      // hidden LVs after visible ones, as lvm2 writes them
      assertTrue(printed.indexOf("thin1 {") < printed.indexOf("pool_tdata {"));
    }
    assertThrows(
        UnsupportedSegmentException.class,
        () -> LvOperations.extend(vg, "thin1", SizeSpec.parseSize("+4M"), 0, 0, List.of(), null));
    assertThrows(UnsupportedSegmentException.class, () -> LvOperations.rename(vg, "pool", "p2"));
    assertThrows(UnsupportedSegmentException.class, () -> LvOperations.remove(vg, "thin1"));
    UnsupportedSegmentException e =
        assertThrows(
            UnsupportedSegmentException.class, () -> LvOperations.rename(vg, "pool_tdata", "x"));
    assertTrue(e.getMessage().contains("used by pool"), e.getMessage());
    assertThrows(UnsupportedSegmentException.class, () -> vg.withoutPv(vg.pvs().get(1).id()));
    // plain LVs next to them can still be created
    VolumeGroup more =
        LvOperations.create(vg, LvOperations.CreateRequest.linear("plain", SizeSpec.extents(3)))
            .vg();
    assertInstanceOf(StripedSegment.class, more.requireLv("plain").segments().get(0));
  }

  @Test
  void writeLockedIsReadAsWriteAndWrittenForSystemIds() throws Exception {
    String text =
        minimal("logical_volumes {\n" + linearLv("l", "pv0", 0, 2) + "}\n")
            .replace(
                "[\"RESIZEABLE\", \"READ\", \"WRITE\"]",
                "[\"RESIZEABLE\", \"READ\"]\nflags = [\"WRITE_LOCKED\"]\nsystem_id = \"host_a\"")
            .replace(
                "[\"READ\", \"WRITE\", \"VISIBLE\"]",
                "[\"READ\", \"VISIBLE\"]\nflags = [\"WRITE_LOCKED\"]");
    VolumeGroup vg = MetadataText.parse(text).vg();
    assertTrue(vg.flags().contains(VgFlag.WRITE));
    assertTrue(vg.requireLv("l").flags().contains(LvFlag.WRITE));
    assertTrue(vg.writeLocked());
    String printed =
        MetadataPrinter.onDisk()
            .print(new VgMetadata(vg, new MetadataHeader(null, null, "host_a", 1, null, null)));
    assertTrue(
        printed.contains("status = [\"RESIZEABLE\", \"READ\"]\nflags = [\"WRITE_LOCKED\"]\n"));
    assertTrue(printed.contains("status = [\"READ\", \"VISIBLE\"]\nflags = [\"WRITE_LOCKED\"]\n"));
    assertTrue(printed.contains("creation_host_system_id = \"host_a\"\n"));
    String plain =
        MetadataPrinter.onDisk()
            .print(
                new VgMetadata(
                    vg.withSystemId(null), new MetadataHeader(null, null, null, 1, null, null)));
    assertTrue(plain.contains("status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\n"));
    String sanlock =
        MetadataPrinter.onDisk()
            .print(
                new VgMetadata(
                    vg.withSystemId(null).withLock("sanlock", "1.0.0:lvmlock"),
                    new MetadataHeader(null, null, null, 1, null, null)));
    assertTrue(sanlock.contains("lock_type = \"sanlock\"\nlock_args = \"1.0.0:lvmlock\"\n"));
    assertTrue(sanlock.contains("flags = [\"WRITE_LOCKED\"]"));
  }

  @Test
  void cFormatsAsC() {
    assertEquals("4", CFormat.g(4));
    assertEquals("1024", CFormat.g(1024));
    assertEquals("0.5", CFormat.g(0.5));
    assertEquals("1.5", CFormat.g(1.5));
    assertEquals("123457", CFormat.g(123456.7));
    assertEquals("1e+06", CFormat.g(1e6));
    assertEquals("0.0001", CFormat.g(0.0001));
    assertEquals("1e-05", CFormat.g(0.00001));
    assertEquals("0", CFormat.g(0));
    assertEquals("# 4 Megabytes", CFormat.sizeComment(8192));
    assertEquals("# 1024 Kilobytes", CFormat.sizeComment(2048));
    assertEquals("# 0.5 Kilobytes", CFormat.sizeComment(1));
    assertEquals("# 1.00098 Megabytes", CFormat.sizeComment(2050));
    assertEquals("Sat Nov  7 09:40:15 2026\n", CFormat.ctime(1794044415L, ZoneOffset.UTC));
    assertEquals("2026-11-27 09:40:16 +0000", CFormat.strftime(1795772416L, ZoneOffset.UTC));
    assertEquals("2026-11-27 10:40:16 +0100", CFormat.strftime(1795772416L, ZoneOffset.ofHours(1)));
  }

  @Test
  void headerOfAWriteByClvm() {
    MetadataHeader h = MetadataHeader.now("Write from clvm lvcreate.", null);
    assertTrue(h.creationTime() > 1_700_000_000L);
    assertFalse(h.creationHost().isEmpty());
    assertEquals(MetadataHeader.CLVM_GENERATOR, h.generator());
    assertTrue(Uname.current().commentForm().startsWith("Linux "));
  }
}
