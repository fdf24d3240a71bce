package io.clvm.format.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.format.MetadataException;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.LabelReader;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.MemoryDevice;
import io.clvm.format.disk.MetadataBuffer;
import io.clvm.format.disk.PvFormatOptions;
import io.clvm.format.disk.PvFormatter;
import io.clvm.format.disk.RawLocn;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataStoreTest {
  @TempDir Path tmp;
  private final List<DiskDevice> open = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (DiskDevice d : open) {
      d.close();
    }
  }

  private List<DiskDevice> devices(String scenario) throws IOException {
    List<DiskDevice> out = new ArrayList<>();
    for (String name : Lvm2Fixtures.SCENARIOS.get(scenario)) {
      Pv pv = new Pv(scenario, name);
      Path img = pv.writeImage(tmp.resolve(name + ".img"));
      FileDevice d = FileDevice.open(img, true, pv.logicalBlockSize());
      open.add(d);
      out.add(d);
    }
    return out;
  }

  static Stream<String> scenarios() {
    return Lvm2Fixtures.SCENARIOS.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void readsEveryFixtureVg(String scenario) throws Exception {
    List<DiskDevice> devs = devices(scenario);
    JsonNode vgs = new ObjectMapper().readTree(Lvm2Fixtures.bytes(scenario + "/vgs.json"));
    JsonNode vg = vgs.get("report").get(0).get("vg").get(0);
    List<PvScan> scans = MetadataStore.scan(devs);
    assertEquals(List.of(vg.get("vg_name").asText()), VgReader.vgNames(scans));
    VgRead read = VgReader.read(vg.get("vg_name").asText(), scans);
    assertEquals(vg.get("vg_seqno").asLong(), read.seqno());
    assertEquals(vg.get("vg_uuid").asText(), read.current().vgId());
    assertEquals(vg.get("pv_count").asInt(), read.pvs().size());
    assertTrue(read.consistent(), read.problems().toString());
    assertEquals(vg.get("vg_mda_used_count").asInt(), read.copies().size());
    Pv first = new Pv(scenario, Lvm2Fixtures.SCENARIOS.get(scenario).get(0));
    assertEquals(first.pvckMetadataText(), read.current().textString());
    byte[] before = Files2.readAll(devs);
    MetadataStore.read(devs, read.vgName());
    assertArrayEquals(before, Files2.readAll(devs), "a read must not write");
  }

  @Test
  void ignoredAreaWithStaleTextIsSkipped() throws Exception {
    List<PvScan> scans = MetadataStore.scan(devices("e_ignored_and_no_mda"));
    AreaScan ignored = scans.get(1).areas().get(0);
    assertTrue(ignored.header().get().ignored());
    assertFalse(ignored.inUse());
    assertTrue(ignored.copy().isEmpty());
    assertTrue(scans.get(2).areas().isEmpty());
    assertEquals(3, VgReader.read("vge", scans).pvs().size());
  }

  @Test
  void commitWritesNextToTheOldCopyThenReadsBack() throws Exception {
    List<DiskDevice> devs = devices("a_single_pv_two_linear");
    String text = MetadataStore.read(devs, "vga").current().textString();
    String changed = text.replace("seqno = 3", "seqno = 4").replace("lv2 {", "ext_lv {");
    List<MetadataCopy> written = MetadataStore.commit(devs, "vga", 4, bytes(changed));
    assertEquals(1, written.size());
    // roundup(2560 + 1284, 512) = 4096 after the mda start (lvm2-oracle E3 wrote there too).
    assertEquals(4096 + 4096, written.get(0).textOffset());
    VgRead read = MetadataStore.read(devs, "vga");
    assertEquals(4, read.seqno());
    assertEquals(changed, read.current().textString());
    MdaHeader h = MdaHeaderCodec.read(devs.get(0), 4096);
    assertEquals(RawLocn.EMPTY, h.precommitted());
    assertEquals(changed.length() + 1, h.committed().size());

    // The same commit again is a no-op; the same seqno with other text is refused.
    assertEquals(1, MetadataStore.commit(devs, "vga", 4, bytes(changed)).size());
    assertEquals(h, MdaHeaderCodec.read(devs.get(0), 4096));
    MetadataException e =
        assertThrows(
            MetadataException.class,
            () -> MetadataStore.commit(devs, "vga", 4, bytes(changed.replace("ext_lv", "x"))));
    assertEquals(
        devs.get(0).name()
            + " at byte 8192: metadata text: new seqno 4 is not above seqno 4 already in mda1 with"
            + " different text",
        e.getMessage());
    e =
        assertThrows(
            MetadataException.class, () -> MetadataStore.commit(devs, "vga", 3, bytes(text)));
    assertEquals(
        devs.get(0).name()
            + " at byte 8192: metadata text: new seqno 3 is not above seqno 4 already in mda1",
        e.getMessage());
  }

  /** A VG's identity is its UUID: a new name over the same UUID is a vgrename, another is not. */
  @Test
  void aNewNameOverTheSameVgUuidIsARenameButAnotherUuidIsRefused() throws Exception {
    List<DiskDevice> devs = devices("a_single_pv_two_linear");
    String text = MetadataStore.read(devs, "vga").current().textString();
    String renamed = text.replace("seqno = 3", "seqno = 4").replaceFirst("vga \\{", "vgz {");
    MetadataStore.commit(devs, "vgz", 4, bytes(renamed));
    assertEquals(4, MetadataStore.read(devs, "vgz").seqno());

    String id = text.substring(text.indexOf("id = \"") + 6, text.indexOf("id = \"") + 44);
    String other =
        renamed
            .replace("seqno = 4", "seqno = 5")
            .replaceFirst("vgz \\{", "vgo {")
            .replace(id, "AAAAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAAAA");
    MetadataException e =
        assertThrows(
            MetadataException.class, () -> MetadataStore.commit(devs, "vgo", 5, bytes(other)));
    assertTrue(e.getMessage().endsWith("mda1 holds metadata of another VG, 'vgz'"), e.getMessage());
  }

  @Test
  void precommitIsInvisibleUntilCommitAndCanBeReverted() throws Exception {
    List<DiskDevice> devs = devices("b_three_pv_striped_spanning");
    VgRead before = MetadataStore.read(devs, "vg-b");
    String next = before.current().textString().replace("seqno = 8", "seqno = 9");
    PreparedCommit p = MetadataStore.precommit(devs, "vg-b", 9, bytes(next));
    assertEquals(3, p.copies().size());
    MdaHeader h = MdaHeaderCodec.read(devs.get(1), 4096);
    assertEquals(p.copies().get(1).textOffset() - 4096, h.precommitted().offset());
    assertEquals(8, MetadataStore.read(devs, "vg-b").seqno());
    p.revert();
    assertEquals(RawLocn.EMPTY, MdaHeaderCodec.read(devs.get(1), 4096).precommitted());
    assertThrows(IllegalStateException.class, p::commit);
    assertEquals(8, MetadataStore.read(devs, "vg-b").seqno());

    PreparedCommit q = MetadataStore.precommit(devs, "vg-b", 9, bytes(next));
    assertTrue(
        io.clvm.format.disk.HeadersDump.of(
                devs.get(0), io.clvm.format.disk.LabelReader.scan(devs.get(0)).get())
            .contains("  CHECK: mda_header_1.raw_locn[1] for precommit not empty"));
    // A restarted process finishes the commit from the reported copies.
    PreparedCommit.resume(devs, q.copies()).commit();
    assertEquals(9, MetadataStore.read(devs, "vg-b").seqno());
    assertEquals(0, PreparedCommit.resume(devs, q.copies()).copies().size() - 3);
    VgRead after = MetadataStore.readByUuid(devs, before.current().vgId());
    assertEquals(9, after.seqno());
    assertTrue(after.consistent());
    MetadataException e =
        assertThrows(
            MetadataException.class,
            () -> MetadataStore.readByUuid(devs, "Chkb4w2d7LUFP982KXeiL286Topxsr4I"));
    assertEquals(
        "volume group: no good metadata copy of VG with UUID"
            + " Chkb4w-2d7L-UFP9-82KX-eiL2-86To-pxsr4I on 3 device(s)",
        e.getMessage());
  }

  @Test
  void refusesTextThatDoesNotFitAndSaysByHowMuch() throws Exception {
    List<DiskDevice> devs = devices("c_wrapped_after_remove_rename");
    String text = MetadataStore.read(devs, "vgc").current().textString();
    StringBuilder big = new StringBuilder(text.replace("seqno = 33", "seqno = 34"));
    big.append("# ").append("x".repeat(15616 - big.length() - 2)).append('\n');
    assertEquals(15616, big.length() + 1);
    MetadataStore.commit(devs, "vgc", 34, bytes(big.toString())); // exactly the maximum fits
    big.insert(big.length() - 1, "y");
    String bigger = big.toString().replace("seqno = 34", "seqno = 35");
    MetadataException e =
        assertThrows(
            MetadataException.class, () -> MetadataStore.commit(devs, "vgc", 35, bytes(bigger)));
    assertEquals(
        devs.get(0).name()
            + " at byte 4096: mda_header: metadata text of 15617 bytes does not fit into mda1: at"
            + " most 15616 bytes, 1 too many",
        e.getMessage());
    assertEquals(MetadataException.Kind.NO_SPACE, e.kind());
  }

  @Test
  void wrapsAroundTheEndOfTheBufferLikeLvm2() throws Exception {
    List<DiskDevice> devs = devices("c_wrapped_after_remove_rename");
    String text = MetadataStore.read(devs, "vgc").current().textString();
    long seqno = 33;
    int wraps = 0;
    for (int i = 0; i < 40; i++) {
      String next = text.replace("seqno = 33", "seqno = " + (seqno + 1));
      MetadataCopy c = MetadataStore.commit(devs, "vgc", seqno + 1, bytes(next)).get(0);
      seqno++;
      long rel = c.textOffset() - 4096;
      assertEquals(0, rel % 512);
      if (rel + c.size() > 32768) {
        wraps++;
      }
      VgRead r = MetadataStore.read(devs, "vgc");
      assertEquals(seqno, r.seqno());
      assertEquals(next, r.current().textString());
    }
    assertTrue(wraps >= 2, "wrapped " + wraps + " times");
  }

  @Test
  void aCrashBeforeTheCommitStepLeavesTheOldVersion() throws Exception {
    List<DiskDevice> devs = devices("b_three_pv_striped_spanning");
    String text = MetadataStore.read(devs, "vg-b").current().textString();
    String next = text.replace("seqno = 8", "seqno = 9");
    // Per device: 1 text write, 1 precommit header, 1 commit header.
    for (int failAfter = 0; failAfter < 2; failAfter++) {
      List<DiskDevice> failing = new ArrayList<>(devs);
      failing.set(2, new FailingDevice(devs.get(2), failAfter));
      assertThrows(IOException.class, () -> MetadataStore.commit(failing, "vg-b", 9, bytes(next)));
      VgRead r = MetadataStore.read(devs, "vg-b");
      assertEquals(8, r.seqno());
      assertTrue(r.consistent());
    }
    // Crash in the commit step after pv0 and pv1 committed: pv2 is stale, reported, not repaired.
    List<DiskDevice> failing = new ArrayList<>(devs);
    failing.set(2, new FailingDevice(devs.get(2), 2));
    assertThrows(IOException.class, () -> MetadataStore.commit(failing, "vg-b", 9, bytes(next)));
    VgRead r = MetadataStore.read(devs, "vg-b");
    assertEquals(9, r.seqno());
    assertEquals(1, r.stale().size());
    assertEquals(
        devs.get(2).name()
            + " at byte 18944: metadata text: stale copy in mda1: seqno 8 is older than seqno 9 on "
            + devs.get(0).name(),
        r.problems().get(0).getMessage());
    // The next commit brings every copy to the same seqno.
    MetadataStore.commit(devs, "vg-b", 10, bytes(text.replace("seqno = 8", "seqno = 10")));
    assertTrue(MetadataStore.read(devs, "vg-b").consistent());
  }

  @Test
  void aCommitReplacesABadTextCopyButNotABadHeader() throws Exception {
    List<DiskDevice> devs = devices("b_three_pv_striped_spanning");
    String text = MetadataStore.read(devs, "vg-b").current().textString();
    devs.get(1).write(18944 + 100, new byte[] {'#'});
    VgRead broken = MetadataStore.read(devs, "vg-b");
    assertEquals(2, broken.copies().size());
    assertEquals(MetadataException.Kind.BAD_CHECKSUM, broken.problems().get(0).kind());
    MetadataStore.commit(devs, "vg-b", 9, bytes(text.replace("seqno = 8", "seqno = 9")));
    VgRead repaired = MetadataStore.read(devs, "vg-b");
    assertEquals(3, repaired.copies().size());
    assertTrue(repaired.consistent());

    devs.get(2).write(4096 + 300, new byte[] {1});
    MetadataException e =
        assertThrows(
            MetadataException.class,
            () ->
                MetadataStore.commit(
                    devs, "vg-b", 10, bytes(text.replace("seqno = 8", "seqno = 10"))));
    assertEquals("mda_header", e.structure());
    assertEquals(9, MetadataStore.read(devs.subList(0, 2), "vg-b").seqno());
  }

  @Test
  void ignoredAreasAreLeftAlone() throws Exception {
    List<DiskDevice> devs = devices("e_ignored_and_no_mda");
    MdaHeader before = MdaHeaderCodec.read(devs.get(1), 4096);
    String text = MetadataStore.read(devs, "vge").current().textString();
    List<MetadataCopy> w =
        MetadataStore.commit(devs, "vge", 4, bytes(text.replace("seqno = 3", "seqno = 4")));
    assertEquals(1, w.size());
    assertEquals(before, MdaHeaderCodec.read(devs.get(1), 4096));
    assertTrue(MetadataStore.read(devs, "vge").consistent());
  }

  @Test
  void sameSeqnoWithOtherTextIsReportedAsMismatch() throws Exception {
    List<DiskDevice> devs = devices("b_three_pv_striped_spanning");
    String text = MetadataStore.read(devs, "vg-b").current().textString();
    byte[] other = bytes(text.replace("filler", "filler2") + "\0");
    MdaHeader h = MdaHeaderCodec.read(devs.get(1), 4096);
    RawLocn slot =
        MetadataBuffer.write(devs.get(1), h, MetadataBuffer.nextOffset(h, other.length), other);
    MdaHeaderCodec.write(devs.get(1), h.withSlots(slot, RawLocn.EMPTY));
    VgRead r = MetadataStore.read(devs, "vg-b");
    assertEquals(devs.get(0).name(), r.current().device());
    assertEquals(1, r.mismatched().size());
    assertEquals(
        String.format(
            "%s at byte 21504: metadata text: mismatched copy in mda1: seqno 8 has size 2187 crc"
                + " 0x%08x here but size 2186 crc 0xb0aa55ee on %s mda1",
            devs.get(1).name(), slot.checksum(), devs.get(0).name()),
        r.problems().get(0).getMessage());
  }

  @Test
  void newVgOnFreshlyFormattedMemoryPvs() throws Exception {
    MemoryDevice a = new MemoryDevice("mem0", 8 << 20, 4096);
    MemoryDevice b = new MemoryDevice("mem1", 8 << 20, 512);
    String ida = "Chkb4w2d7LUFP982KXeiL286Topxsr4I";
    String idb = "G6Ny0OrM97xPcPCaIWe8eyckwf8uADYb";
    PvFormatter.format(a, PvFormatOptions.defaults(ida).withMetadataCopies(2));
    PvFormatter.format(b, PvFormatOptions.defaults(idb).withMetadataCopies(0));
    assertFalse(LabelReader.scan(a).get().pvHeader().inUse());
    String text =
        "vgm {\nid = \"4b57dx-0cMO-zifh-pCxB-IjTS-y5Dh-HI6JB9\"\nseqno = 1\n"
            + "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nextent_size = 8192\nmax_lv = 0\n"
            + "max_pv = 0\nphysical_volumes {\npv0 {\nid = \""
            + Lvm2FixturesIds.dashed(ida)
            + "\"\nstatus = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 0\n}\npv1 {\nid = \""
            + Lvm2FixturesIds.dashed(idb)
            + "\"\nstatus = [\"ALLOCATABLE\"]\npe_start = 2048\npe_count = 1\n}\n}\n}\n"
            + "contents = \"Text Format Volume Group\"\nversion = 1\n";
    List<MetadataCopy> w = MetadataStore.commit(List.of(a, b), "vgm", 1, bytes(text));
    assertEquals(2, w.size()); // two areas on mem0, none on mem1
    assertTrue(LabelReader.scan(a).get().pvHeader().inUse());
    assertTrue(LabelReader.scan(b).get().pvHeader().inUse());
    for (MemoryDevice.Write wr : a.writes()) {
      assertEquals(0, wr.offset() % 4096);
      assertEquals(0, wr.length() % 4096);
    }
    VgRead r = MetadataStore.read(List.of(b, a), "vgm");
    assertEquals(1, r.seqno());
    assertEquals(List.of(a, b), r.pvs().stream().map(PvScan::device).toList());
    assertTrue(r.consistent());

    MetadataCommitter.release(List.of(a, b));
    assertFalse(LabelReader.scan(a).get().pvHeader().inUse());
    assertThrows(MetadataException.class, () -> MetadataStore.read(List.of(a, b), "vgm"));
  }

  @Test
  void commitsAndReadsATenThousandLvVgQuickly() throws Exception {
    MemoryDevice dev = new MemoryDevice("big", 16 << 20, 512);
    PvFormatter.format(
        dev,
        PvFormatOptions.defaults("Chkb4w2d7LUFP982KXeiL286Topxsr4I").withMetadataSize(8 << 20));
    byte[] text = bytes(io.clvm.format.text.BigVgText.generate(10_000));
    long t0 = System.nanoTime();
    MetadataStore.commit(List.of(dev), "big", 7, text);
    long commit = System.nanoTime() - t0;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 30; i++) {
      long t = System.nanoTime();
      VgRead r = MetadataStore.read(List.of(dev), "big");
      best = Math.min(best, System.nanoTime() - t);
      assertEquals(7, r.seqno());
      assertEquals(text.length, r.text().length);
    }
    System.out.printf(
        "10,000-LV VG, %d bytes: first commit %.1f ms, read (scan+CRC+parse) best %.1f ms%n",
        text.length, commit / 1e6, best / 1e6);
    assertTrue(best < 2_000_000_000L);
  }

  @Test
  void refusesDevicesThatDoNotMatchTheText() throws Exception {
    List<DiskDevice> devs = devices("b_three_pv_striped_spanning");
    String text = MetadataStore.read(devs, "vg-b").current().textString();
    byte[] next = bytes(text.replace("seqno = 8", "seqno = 9"));
    MetadataException e =
        assertThrows(
            MetadataException.class,
            () -> MetadataStore.commit(devs.subList(0, 2), "vg-b", 9, next));
    assertTrue(e.getMessage().endsWith("of VG 'vg-b' is not among the devices"), e.getMessage());
    e =
        assertThrows(
            MetadataException.class,
            () ->
                MetadataStore.commit(
                    List.of(devs.get(0), devs.get(0), devs.get(1), devs.get(2)), "vg-b", 9, next));
    assertTrue(e.getMessage().contains("duplicate PV UUID"), e.getMessage());
    e = assertThrows(MetadataException.class, () -> MetadataStore.commit(devs, "vgx", 9, next));
    assertEquals("metadata text: text is for VG 'vg-b', not 'vgx'", e.getMessage());
    e = assertThrows(MetadataException.class, () -> MetadataStore.commit(devs, "vg-b", 10, next));
    assertEquals("metadata text: text has seqno 9, not 10", e.getMessage());
    List<DiskDevice> other = devices("a_single_pv_two_linear");
    e =
        assertThrows(
            MetadataException.class,
            () ->
                MetadataStore.commit(
                    List.of(devs.get(0), devs.get(1), other.get(0)), "vg-b", 9, next));
    assertTrue(
        e.getMessage().contains("is not listed in the metadata of VG 'vg-b'"), e.getMessage());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads the first 2 MiB of each device, for "nothing was written" checks. */
  static final class Files2 {
    static byte[] readAll(List<DiskDevice> devs) throws IOException {
      byte[][] parts = new byte[devs.size()][];
      int n = 0;
      for (int i = 0; i < devs.size(); i++) {
        parts[i] = devs.get(i).read(0, (int) Math.min(2 << 20, devs.get(i).size()), "all");
        n += parts[i].length;
      }
      byte[] all = new byte[n];
      int p = 0;
      for (byte[] b : parts) {
        System.arraycopy(b, 0, all, p, b.length);
        p += b.length;
      }
      return Arrays.copyOf(all, n);
    }
  }

  static final class Lvm2FixturesIds {
    static String dashed(String raw) {
      return io.clvm.format.disk.PvHeader.dashed(raw);
    }
  }
}
