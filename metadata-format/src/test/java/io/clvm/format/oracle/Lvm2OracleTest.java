package io.clvm.format.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.HeadersDump;
import io.clvm.format.disk.LabelReader;
import io.clvm.format.disk.PvFormatOptions;
import io.clvm.format.disk.PvFormatter;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import io.clvm.format.store.MetadataCopy;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.VgRead;
import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What this library writes, the real lvm2 reads and keeps changing, and the other way round. */
@RequiresLvm2
class Lvm2OracleTest {
  private static final long MIB = 1 << 20;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    Exception first = null;
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    cleanup.add(c);
    return c;
  }

  private TestLoopDevice loop(long size, int blockSize) {
    return closeLater(TestLoopDevice.create(size, blockSize));
  }

  private TestLoopDevice fixtureLoop(String pvName) throws Exception {
    Pv pv = Lvm2Fixtures.pv(pvName);
    Path img = pv.writeImage(Files.createTempFile("clvm-" + pvName + "-", "-clvmtest.img"));
    return closeLater(TestLoopDevice.attach(img, pv.logicalBlockSize()));
  }

  private FileDevice open(TestLoopDevice loop) throws Exception {
    return closeLater(FileDevice.openReadWrite(loop.device()));
  }

  private Lvm2Oracle oracle(TestLoopDevice... loops) {
    return closeLater(
        Lvm2Oracle.forDevices(Arrays.stream(loops).map(TestLoopDevice::device).toList()));
  }

  static Stream<Arguments> pvcreateCases() {
    return Stream.of(
        Arguments.of("defaults", 512, List.of()),
        Arguments.of(
            "small mda, 4k alignment",
            512,
            List.of("--metadatasize", "32k", "--dataalignment", "4k")),
        Arguments.of("two mdas", 512, List.of("--pvmetadatacopies", "2")),
        Arguments.of("no mda", 512, List.of("--pvmetadatacopies", "0")),
        Arguments.of("bootloader area", 512, List.of("--bootloaderareasize", "1m")),
        Arguments.of("metadata ignored", 512, List.of("--metadataignore", "y")),
        Arguments.of("4K sectors, two mdas", 4096, List.of("--pvmetadatacopies", "2")));
  }

  static PvFormatOptions options(String uuid, List<String> args) {
    PvFormatOptions o = PvFormatOptions.defaults(uuid);
    for (int i = 0; i < args.size(); i += 2) {
      String v = args.get(i + 1);
      switch (args.get(i)) {
        case "--metadatasize" -> o = o.withMetadataSize(size(v));
        case "--dataalignment" -> o = o.withDataAlignment(size(v));
        case "--pvmetadatacopies" -> o = o.withMetadataCopies(Integer.parseInt(v));
        case "--bootloaderareasize" -> o = o.withBootloaderAreaSize(size(v));
        case "--metadataignore" -> o = o.withMetadataIgnore(v.equals("y"));
        default -> throw new IllegalArgumentException(args.get(i));
      }
    }
    return o;
  }

  private static long size(String v) {
    long unit = v.endsWith("m") ? MIB : 1024;
    return Long.parseLong(v.substring(0, v.length() - 1)) * unit;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pvcreateCases")
  void formatterWritesTheBytesPvcreateWrites(String name, int blockSize, List<String> args)
      throws Exception {
    String uuid = "Chkb4w2d7LUFP982KXeiL286Topxsr4I";
    TestLoopDevice ours = loop(64 * MIB, blockSize);
    TestLoopDevice theirs = loop(64 * MIB, blockSize);
    try (FileDevice dev = FileDevice.openReadWrite(ours.device())) {
      assertEquals(blockSize, dev.logicalBlockSize());
      assertTrue(dev.isDirect(), "block devices bypass the page cache");
      assertEquals(64 * MIB, dev.size());
      PvFormatter.format(dev, options(uuid, args));
    }
    List<String> pvcreate = new ArrayList<>(List.of("pvcreate", "-y", "-ff", "--norestorefile"));
    pvcreate.addAll(List.of("--uuid", PvHeader.dashed(uuid)));
    pvcreate.addAll(args);
    pvcreate.add(theirs.device().toString());
    oracle(theirs).run(pvcreate.toArray(String[]::new)).requireOk();

    try (FileDevice a = FileDevice.openReadOnly(ours.device());
        FileDevice b = FileDevice.openReadOnly(theirs.device())) {
      assertArrayEquals(b.read(0, (int) (2 * MIB), "head"), a.read(0, (int) (2 * MIB), "head"));
      long tail = 64 * MIB - 2 * MIB;
      assertArrayEquals(
          b.read(tail, (int) (2 * MIB), "tail"), a.read(tail, (int) (2 * MIB), "tail"));

      Lvm2Oracle.Result dump =
          oracle(ours).run("pvck", "--dump", "headers", ours.device().toString());
      assertTrue(dump.ok(), dump.toString());
      assertFalse(
          dump.stdout().contains("CHECK") || dump.stderr().contains("CHECK"), dump.toString());
      String lvm2Lines = Arrays.stream(dump.stdout().split("\n")).collect(Collectors.joining("\n"));
      assertEquals(lvm2Lines, String.join("\n", HeadersDump.of(a, LabelReader.scan(a).get())));
    }
  }

  @Test
  void lvm2AcceptsOurCommitAndWeReadLvm2sNextChange() throws Exception {
    TestLoopDevice loop = fixtureLoop("a_pv0");
    FileDevice dev = open(loop);
    List<DiskDevice> devs = List.of(dev);
    VgRead before = MetadataStore.read(devs, "vga");
    String text =
        before
            .current()
            .textString()
            .replace("seqno = 3", "seqno = 4")
            .replace("\nlv2 {", "\next_lv {")
            .replace("Write from lvcreate", "Write from clvm lvrename");
    MetadataStore.commit(devs, "vga", 4, text.getBytes(StandardCharsets.UTF_8));

    Lvm2Oracle lvm = oracle(loop);
    Lvm2Oracle.Result vgck = lvm.run("vgck", "vga");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    List<JsonNode> lvs = lvm.report("lvs", "lv", "-o", "lv_name,lv_size,seg_pe_ranges", "vga");
    assertEquals(
        List.of("ext_lv", "lv1"), lvs.stream().map(n -> n.get("lv_name").asText()).toList());
    assertEquals("12582912", lvs.get(0).get("lv_size").asText());
    assertEquals(
        "4", lvm.report("vgs", "vg", "-o", "vg_seqno", "vga").get(0).get("vg_seqno").asText());
    Lvm2Oracle.Result pvck = lvm.run("pvck", "--dump", "headers", loop.device().toString());
    assertFalse(pvck.stdout().contains("CHECK"), pvck.toString());

    lvm.run("lvcreate", "-an", "-Zn", "-n", "by_lvm2", "-L", "4M", "vga").requireOk();
    VgRead after = MetadataStore.read(devs, "vga");
    assertEquals(5, after.seqno());
    assertTrue(after.current().textString().contains("\nby_lvm2 {"));
    assertTrue(after.current().textString().contains("\next_lv {"));
    assertTrue(after.consistent());
  }

  @Test
  void ignoredAreaAndPvWithoutAreaAfterOurCommit() throws Exception {
    TestLoopDevice l0 = fixtureLoop("e_pv0");
    TestLoopDevice l1 = fixtureLoop("e_pv1");
    TestLoopDevice l2 = fixtureLoop("e_pv2");
    List<DiskDevice> devs = List.of(open(l0), open(l1), open(l2));
    String text = MetadataStore.read(devs, "vge").current().textString();
    MetadataStore.commit(
        devs, "vge", 4, text.replace("seqno = 3", "seqno = 4").getBytes(StandardCharsets.UTF_8));
    Lvm2Oracle lvm = oracle(l0, l1, l2);
    Lvm2Oracle.Result vgck = lvm.run("vgck", "vge");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    List<JsonNode> pvs = lvm.report("pvs", "pv", "-o", "pv_mda_count,pv_mda_used_count");
    assertEquals(
        List.of("0/0", "1/0", "1/1"),
        pvs.stream()
            .map(n -> n.get("pv_mda_count").asText() + "/" + n.get("pv_mda_used_count").asText())
            .sorted()
            .toList());
  }

  @Test
  void staleCopyAfterAnInterruptedCommitIsSeenAlikeByLvm2AndUs() throws Exception {
    TestLoopDevice l0 = fixtureLoop("b_pv0");
    TestLoopDevice l1 = fixtureLoop("b_pv1");
    TestLoopDevice l2 = fixtureLoop("b_pv2");
    List<DiskDevice> devs = List.of(open(l0), open(l1), open(l2));
    String text = MetadataStore.read(devs, "vg-b").current().textString();
    byte[] oldHeader = devs.get(2).read(4096, 512, "mda_header");
    MetadataStore.commit(
        devs, "vg-b", 9, text.replace("seqno = 8", "seqno = 9").getBytes(StandardCharsets.UTF_8));
    devs.get(2).write(4096, oldHeader); // as if the commit never reached pv2
    devs.get(2).flush();

    VgRead ours = MetadataStore.read(devs, "vg-b");
    assertEquals(9, ours.seqno());
    assertEquals(1, ours.stale().size());
    assertEquals(l2.device().toString(), ours.stale().get(0).device());
    Lvm2Oracle.Result vgs = oracle(l0, l1, l2).run("vgs", "-o", "vg_name,vg_seqno", "vg-b");
    assertTrue(vgs.ok(), vgs.toString());
    assertTrue(vgs.stdout().contains(" 9"), vgs.toString());
    assertTrue(
        vgs.stderr().contains("ignoring metadata seqno 8 on " + l2.device() + " for seqno 9"),
        vgs.toString());
  }

  @Test
  void fourKilobyteSectorDevice() throws Exception {
    TestLoopDevice loop = fixtureLoop("f_pv0");
    FileDevice dev = open(loop);
    assertEquals(4096, dev.logicalBlockSize());
    List<DiskDevice> devs = List.of(dev);
    String text = MetadataStore.read(devs, "vgf").current().textString();
    for (long seqno = 4; seqno <= 6; seqno++) {
      text = text.replace("seqno = " + (seqno - 1), "seqno = " + seqno);
      MetadataStore.commit(devs, "vgf", seqno, text.getBytes(StandardCharsets.UTF_8));
    }
    Lvm2Oracle lvm = oracle(loop);
    Lvm2Oracle.Result vgck = lvm.run("vgck", "vgf");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    assertEquals(
        "6", lvm.report("vgs", "vg", "-o", "vg_seqno", "vgf").get(0).get("vg_seqno").asText());
    lvm.run("lvcreate", "-an", "-Zn", "-n", "lv3", "-L", "4M", "vgf").requireOk();
    assertEquals(7, MetadataStore.read(devs, "vgf").seqno());
  }

  @Test
  void twoMetadataAreasBothWrittenAndBothRead() throws Exception {
    TestLoopDevice loop = fixtureLoop("d_pv0");
    FileDevice dev = open(loop);
    List<DiskDevice> devs = List.of(dev);
    String text =
        MetadataStore.read(devs, "vgd").current().textString().replace("seqno = 2", "seqno = 3");
    List<MetadataCopy> written =
        MetadataStore.commit(devs, "vgd", 3, text.getBytes(StandardCharsets.UTF_8));
    assertEquals(2, written.size());
    Lvm2Oracle lvm = oracle(loop);
    Lvm2Oracle.Result pvck = lvm.run("pvck", "--dump", "headers", loop.device().toString());
    assertEquals(2, pvck.stdout().split("seqno 3\n", -1).length - 1, pvck.toString());
    assertFalse(pvck.stdout().contains("CHECK"), pvck.toString());
    Lvm2Oracle.Result vgck = lvm.run("vgck", "vgd");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    lvm.run("lvcreate", "-an", "-Zn", "-n", "lv2", "-L", "8M", "vgd").requireOk();
    VgRead r = MetadataStore.read(devs, "vgd");
    assertEquals(4, r.seqno());
    assertEquals(2, r.copies().size());
    assertTrue(r.consistent());
  }

  @Test
  void newVgOnPvsWeFormattedIsUsableByLvm2() throws Exception {
    TestLoopDevice l0 = loop(64 * MIB, 512);
    TestLoopDevice l1 = loop(64 * MIB, 512);
    FileDevice d0 = open(l0);
    FileDevice d1 = open(l1);
    String id0 = "Chkb4w2d7LUFP982KXeiL286Topxsr4I";
    String id1 = "G6Ny0OrM97xPcPCaIWe8eyckwf8uADYb";
    PvFormatter.format(d0, PvFormatOptions.defaults(id0).withMetadataCopies(2));
    PvFormatter.format(d1, PvFormatOptions.defaults(id1).withMetadataCopies(1));
    // lvm2-oracle E9: only the required keys.
    String text =
        "vgn {\nid = \"4b57dx-0cMO-zifh-pCxB-IjTS-y5Dh-HI6JB9\"\nseqno = 1\n"
            + "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nextent_size = 8192\nmax_lv = 0\n"
            + "max_pv = 0\nphysical_volumes {\npv0 {\nid = \""
            + PvHeader.dashed(id0)
            + "\"\n"
            + "status = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 14\n}\n"
            + "pv1 {\nid = \""
            + PvHeader.dashed(id1)
            + "\"\n"
            + "status = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 15\n}\n}\n}\n"
            + "contents = \"Text Format Volume Group\"\nversion = 1\n";
    List<DiskDevice> devs = List.of(d0, d1);
    MetadataStore.commit(devs, "vgn", 1, text.getBytes(StandardCharsets.UTF_8));

    Lvm2Oracle lvm = oracle(l0, l1);
    Lvm2Oracle.Result vgck = lvm.run("vgck", "vgn");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    List<JsonNode> pvs = lvm.report("pvs", "pv", "-o", "pv_name,vg_name,pv_pe_count,pv_mda_count");
    assertEquals(2, pvs.size());
    assertEquals("vgn", pvs.get(0).get("vg_name").asText());
    assertEquals(
        List.of("1", "2"), pvs.stream().map(n -> n.get("pv_mda_count").asText()).sorted().toList());
    lvm.run("lvcreate", "-an", "-Zn", "-n", "st", "-i", "2", "-I", "64k", "-L", "16M", "vgn")
        .requireOk();
    VgRead r = MetadataStore.read(devs, "vgn");
    assertEquals(2, r.seqno());
    assertEquals(3, r.copies().size());
    assertTrue(r.current().textString().contains("stripe_count = 2"));
    // And once more in our hands: lvm2's own text, changed, seqno + 1.
    String next =
        r.current().textString().replace("seqno = 2", "seqno = 3").replace("\nst {", "\nstriped {");
    MetadataStore.commit(devs, "vgn", 3, next.getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "striped", lvm.report("lvs", "lv", "-o", "lv_name", "vgn").get(0).get("lv_name").asText());
    assertTrue(lvm.run("vgck", "vgn").errors().isEmpty());
  }
}
