package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.text.BigVgText;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The printer's memo of LV sections ({@link PrintedLvs}): a VG printed after an earlier version of
 * it was printed must give exactly the bytes a printer without the memo gives. Each case changes
 * what an unchanged LV's section depends on, so a memo that reused a section it should not would
 * print stale bytes and fail here.
 */
class PrintedLvsTest {
  private static final MetadataPrinter DISK = MetadataPrinter.onDisk().withZone(ZoneOffset.UTC);
  private static final MetadataPrinter FILE = MetadataPrinter.backupFile().withZone(ZoneOffset.UTC);

  private VgMetadata base;

  @BeforeEach
  void setUp() throws Exception {
    PrintedLvs.clear();
    base = MetadataText.parse(BigVgText.generate(50));
  }

  /** Prints {@code before}, then {@code after}; returns after's text, checked against no memo. */
  private static String printAfter(MetadataPrinter p, VgMetadata before, VgMetadata after) {
    p.print(before);
    long reused = PrintedLvs.reused();
    String withMemo = p.print(after);
    assertTrue(PrintedLvs.reused() > reused, "the second print reused sections of the first");
    PrintedLvs.clear();
    assertEquals(p.print(after), withMemo);
    return withMemo;
  }

  private VgMetadata change(UnaryOperator<VolumeGroup> f) {
    return new VgMetadata(f.apply(base.vg()), base.header());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aNewLvAndAnExtendedOneAreReprintedTheRestReused(boolean file) {
    MetadataPrinter p = file ? FILE : DISK;
    VolumeGroup vg = base.vg();
    LogicalVolume lv7 = vg.lv("lv7").orElseThrow();
    StripedSegment s = (StripedSegment) lv7.segments().get(0);
    LogicalVolume longer = lv7.withSegments(List.of(s.withExtentCount(s.extentCount() + 1)));
    LogicalVolume added =
        LogicalVolume.create(
            "new",
            LvmUuid.random(),
            1795772415,
            "vm",
            List.of(StripedSegment.linear(0, 1, vg.pvs().get(0).id(), 200)));
    String text =
        printAfter(p, base, new VgMetadata(vg.withLv(longer).withLvAdded(added), base.header()));
    assertTrue(text.contains("new {"));
  }

  @Test
  void anotherPvOrderRenamesTheStripesPv() {
    VolumeGroup vg = base.vg();
    PhysicalVolume pv0 = vg.pvs().get(0);
    PhysicalVolume other =
        new PhysicalVolume(
            LvmUuid.random(),
            "/dev/loop1",
            pv0.flags(),
            List.of(),
            List.of(),
            pv0.devSize(),
            pv0.peStart(),
            pv0.peCount(),
            0,
            0,
            null,
            null,
            List.of());
    VgMetadata first = change(v -> v.withPvAdded(other));
    VgMetadata reordered = change(v -> v.toBuilder().pvs(List.of(other, pv0)).build());
    // The same LV objects: only the PV order says their stripes are now on "pv1".
    assertEquals(first.vg().lvs().get(0), reordered.vg().lvs().get(0));
    PrintedLvs.clear();
    DISK.print(first);
    String text = DISK.print(reordered);
    PrintedLvs.clear();
    assertEquals(DISK.print(reordered), text);
    assertTrue(text.contains("\"pv1\", 0\n"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSystemIdMakesEveryLvWriteLocked(boolean file) {
    MetadataPrinter p = file ? FILE : DISK;
    p.print(base);
    VgMetadata locked = change(v -> v.withSystemId("host1"));
    String text = p.print(locked);
    PrintedLvs.clear();
    assertEquals(p.print(locked), text);
    assertTrue(text.contains("flags = [\"WRITE_LOCKED\"]"));
  }

  @Test
  void anotherZoneReprintsTheCreationTimeComments() {
    FILE.print(base);
    MetadataPrinter elsewhere = MetadataPrinter.backupFile().withZone(ZoneOffset.ofHours(5));
    String text = elsewhere.print(base);
    PrintedLvs.clear();
    assertEquals(elsewhere.print(base), text);
    assertNotEquals(FILE.print(base), text);
  }

  @Test
  void theFlavoursDoNotShareSections() {
    String disk = DISK.print(base);
    String file = FILE.print(base);
    PrintedLvs.clear();
    assertEquals(FILE.print(base), file);
    PrintedLvs.clear();
    assertEquals(DISK.print(base), disk);
  }

  @Test
  void twoVgsOfTheSameLvsKeepTheirOwnSections() throws Exception {
    // Another VG (another id) whose LVs are equal but not the same objects, and another extent
    // size: its size comments differ.
    VgMetadata other =
        MetadataText.parse(
            BigVgText.generate(50)
                .replace("4b57dx-0cMO", "4b57dx-1cMO")
                .replace("extent_size = 8192", "extent_size = 4096"));
    String a = FILE.print(base);
    String b = FILE.print(other);
    assertEquals(a, FILE.print(base));
    PrintedLvs.clear();
    assertEquals(FILE.print(other), b);
    assertNotEquals(
        a.substring(a.indexOf("logical_volumes")), b.substring(b.indexOf("logical_volumes")));
  }

  @Test
  void hiddenLvsStillFollowTheVisibleOnes() {
    VolumeGroup vg = base.vg();
    List<LogicalVolume> lvs = new ArrayList<>(vg.lvs());
    LogicalVolume lv3 = lvs.get(3);
    java.util.Set<LvFlag> flags = java.util.EnumSet.copyOf(lv3.flags());
    flags.remove(LvFlag.VISIBLE);
    VgMetadata hidden = change(v -> v.withLv(lv3.withFlags(flags)));
    String text = printAfter(DISK, base, hidden);
    assertTrue(text.indexOf("lv3 {") > text.indexOf("lv49 {"));
  }
}
