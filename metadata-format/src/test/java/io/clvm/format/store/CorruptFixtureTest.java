package io.clvm.format.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.LabelReader;
import io.clvm.format.disk.LvmCrc;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.MemoryDevice;
import io.clvm.format.disk.MetadataBuffer;
import io.clvm.format.disk.RawLocn;
import io.clvm.format.fixtures.Lvm2Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One corrupt device per failure mode, made from fixture a by changing bytes, with the exact
 * message each must produce. Device "a_pv0" is the fixture's first MiB (label + whole mda0).
 */
class CorruptFixtureTest {
  private static final int LABEL = 512;
  private static final int MDA = 4096;
  private static final int TEXT = 6656;

  private final byte[] head = Lvm2Fixtures.pv("a_pv0").head();
  private final String text = Lvm2Fixtures.pv("a_pv0").pvckMetadataText();

  private MemoryDevice dev() {
    return new MemoryDevice("a_pv0", head, 512);
  }

  /** The first problem the scan reports. */
  private MetadataException problem() throws Exception {
    List<MetadataException> problems = new DeviceScanner().scan(dev()).problems();
    assertEquals(1, problems.size(), problems.toString());
    return problems.get(0);
  }

  private MetadataException readError() {
    return assertThrows(MetadataException.class, () -> MetadataStore.read(List.of(dev()), "vga"));
  }

  private void relabelCrc() {
    LeBytes.put32(head, LABEL + 16, LvmCrc.of(head, LABEL + 20, 492));
  }

  private void remdaCrc() {
    LeBytes.put32(head, MDA, LvmCrc.of(head, MDA + 4, 508));
  }

  /** Replaces the committed text in place, fixing the slot and both CRCs. */
  private void replaceText(String newText) throws Exception {
    MemoryDevice d = dev();
    MdaHeader h = MdaHeaderCodec.read(d, MDA);
    byte[] b = (newText + "\0").getBytes(StandardCharsets.UTF_8);
    RawLocn slot = MetadataBuffer.write(d, h, h.committed().offset(), b);
    MdaHeaderCodec.write(d, h.withSlots(slot, RawLocn.EMPTY));
  }

  @Test
  void goodFixtureHasNoProblem() throws Exception {
    assertTrue(new DeviceScanner().scan(dev()).problems().isEmpty());
    assertEquals(3, MetadataStore.read(List.of(dev()), "vga").seqno());
  }

  @Test
  void badLabelMagicMeansNotAPv() throws Exception {
    head[LABEL] = 'X';
    assertTrue(LabelReader.scan(dev()).isEmpty());
    MetadataException e =
        assertThrows(
            MetadataException.class,
            () -> LabelReader.decode(Arrays.copyOfRange(head, 512, 1024), 1, "a_pv0"));
    assertEquals(
        "a_pv0 at byte 512: label_header: bad id \"XABELONE\", expected \"LABELONE\"",
        e.getMessage());
    assertEquals(Kind.BAD_MAGIC, e.kind());
    assertEquals(
        "volume group: no good metadata copy of VG 'vga' on 1 device(s)", readError().getMessage());
  }

  @Test
  void badLabelCrc() throws Exception {
    head[LABEL + 40] ^= 1; // inside the PV UUID
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 512: label_header: checksum mismatch: stored 0x2868bd8d, computed"
            + " 0xb68e94c4",
        e.getMessage());
    assertEquals(Kind.BAD_CHECKSUM, e.kind());
    assertEquals(
        "volume group: no good metadata copy of VG 'vga' on 1 device(s); first problem: "
            + e.getMessage(),
        readError().getMessage());
  }

  @Test
  void labelInTheWrongSector() throws Exception {
    head[LABEL + 8] = 2;
    relabelCrc();
    assertEquals(
        "a_pv0 at byte 512: label_header: sector field is 2, expected 1", problem().getMessage());
  }

  @Test
  void unsupportedLabelType() throws Exception {
    head[LABEL + 27] = '3';
    relabelCrc();
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 512: label_header: unsupported label type \"LVM3 001\", expected \"LVM2"
            + " 001\"",
        e.getMessage());
    assertEquals(Kind.UNSUPPORTED_VERSION, e.kind());
  }

  @Test
  void unterminatedAreaList() throws Exception {
    for (int i = LABEL + 72; i < LABEL + 512; i += 16) {
      head[i] = 1; // every disk_locn offset non-zero: the list never ends
    }
    relabelCrc();
    assertEquals(
        "a_pv0 at byte 512: pv_header: data area list runs past the end of the label sector",
        problem().getMessage());
  }

  @Test
  void badMdaMagic() throws Exception {
    head[MDA + 5] = 'X';
    remdaCrc();
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 4096: mda_header: bad magic 0x2058564d3220785b35412572304e2a3e,"
            + " expected 0x204c564d3220785b35412572304e2a3e",
        e.getMessage());
    assertEquals(Kind.BAD_MAGIC, e.kind());
  }

  @Test
  void badMdaHeaderCrc() throws Exception {
    head[MDA + 200] = 1;
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 4096: mda_header: checksum mismatch: stored 0x82c17a05, computed"
            + " 0x4c080e12",
        e.getMessage());
    assertEquals(Kind.BAD_CHECKSUM, e.kind());
  }

  @Test
  void unsupportedMdaVersion() throws Exception {
    head[MDA + 20] = 2;
    remdaCrc();
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 4096: mda_header: unsupported version 2, expected 1", e.getMessage());
    assertEquals(Kind.UNSUPPORTED_VERSION, e.kind());
  }

  @Test
  void mdaStartFieldElsewhere() throws Exception {
    head[MDA + 25] = 0x20;
    remdaCrc();
    assertEquals(
        "a_pv0 at byte 4096: mda_header: start field is 8192, expected 4096",
        problem().getMessage());
  }

  @Test
  void badTextCrc() throws Exception {
    head[TEXT + 10] ^= 0x20;
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 6656: metadata text: checksum mismatch: stored 0xc6a3cdef, computed"
            + " 0x46d1b638",
        e.getMessage());
    assertEquals(Kind.BAD_CHECKSUM, e.kind());
  }

  @Test
  void textLocationOutsideTheArea() throws Exception {
    head[MDA + 40 + 3] = 0x7f; // raw_locn[0].offset far beyond the area
    remdaCrc();
    assertEquals(
        "a_pv0 at byte 2130713088: metadata text: location offset 2130708992 size 1284 does not"
            + " fit the metadata area of 1044480 bytes",
        problem().getMessage());
  }

  @Test
  void truncatedDevice() throws Exception {
    MemoryDevice shortDev = new MemoryDevice("a_pv0", Arrays.copyOf(head, 5000), 512);
    MetadataException e = new DeviceScanner().scan(shortDev).problems().get(0);
    assertEquals(
        "a_pv0 at byte 4096: mda_header: metadata area of 1044480 bytes runs past the end of the"
            + " device (5000 bytes)",
        e.getMessage());
    assertEquals(Kind.TRUNCATED, e.kind());
    MemoryDevice shorter = new MemoryDevice("a_pv0", Arrays.copyOf(head, 4500), 512);
    assertEquals(
        "a_pv0 at byte 4096: mda_header: device is truncated: needs bytes 4096..4607 but the"
            + " device has 4500 bytes",
        new DeviceScanner().scan(shorter).problems().get(0).getMessage());
  }

  @Test
  void textSyntaxErrorWithLineAndColumn() throws Exception {
    replaceText(text.replace("seqno = 3", "seqno = ="));
    MetadataException e = problem();
    assertEquals(
        "a_pv0 at byte 6656: metadata text: line 3, column 9: expected a value, found '='",
        e.getMessage());
    assertEquals(Kind.SYNTAX, e.kind());
  }

  @Test
  void missingVgSection() throws Exception {
    replaceText("vga = 1\ncontents = \"Text Format Volume Group\"\nversion = 1\n");
    assertEquals("a_pv0 at byte 6656: metadata text: no VG section", problem().getMessage());
  }

  @Test
  void textNotBeginningWithTheVgName() throws Exception {
    replaceText("# comment\n" + text);
    assertEquals(
        "a_pv0 at byte 6656: metadata text: text begins with invalid VG name '#'",
        problem().getMessage());
  }

  @Test
  void missingRequiredKeys() throws Exception {
    replaceText(text.replace("contents = \"Text Format Volume Group\"\n", ""));
    assertEquals(
        "a_pv0 at byte 6656: metadata text: missing 'contents' in top level",
        problem().getMessage());
    replaceText(text.replace("seqno = 3\n", ""));
    assertEquals(
        "a_pv0 at byte 6656: metadata text: missing 'seqno' in VG vga", problem().getMessage());
    assertEquals(Kind.MISSING, problem().kind());
  }

  @Test
  void missingAndDuplicatePvs() throws Exception {
    List<DiskDevice> b =
        Lvm2Fixtures.SCENARIOS.get("b_three_pv_striped_spanning").stream()
            .map(n -> (DiskDevice) new MemoryDevice(n, Lvm2Fixtures.pv(n).head(), 512))
            .toList();
    VgRead r = MetadataStore.read(b.subList(0, 2), "vg-b");
    assertEquals(1, r.missingPvIds().size());
    assertEquals(
        "volume group: PV " + dashed(r.missingPvIds().get(0)) + " of VG 'vg-b' not found",
        r.problems().get(0).getMessage());
    MemoryDevice copy = new MemoryDevice("b_pv0_copy", Lvm2Fixtures.pv("b_pv0").head(), 512);
    r = MetadataStore.read(List.of(b.get(0), b.get(1), b.get(2), copy), "vg-b");
    assertEquals(
        "b_pv0_copy at byte 512: pv_header: duplicate PV UUID "
            + dashed(LabelReader.scan(copy).get().pvHeader().uuid())
            + ", also on b_pv0",
        r.problems().get(0).getMessage());
  }

  private static String dashed(String raw) {
    return io.clvm.format.disk.PvHeader.dashed(raw);
  }

  /** Little-endian store for the byte surgery above. */
  static final class LeBytes {
    static void put32(byte[] b, int off, int v) {
      b[off] = (byte) v;
      b[off + 1] = (byte) (v >>> 8);
      b[off + 2] = (byte) (v >>> 16);
      b[off + 3] = (byte) (v >>> 24);
    }
  }
}
