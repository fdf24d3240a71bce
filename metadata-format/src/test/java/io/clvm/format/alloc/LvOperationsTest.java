package io.clvm.format.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.PvFlag;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sizes, rounding, errors and policies of the LV operations. */
class LvOperationsTest {
  private static VolumeGroup vg() {
    return AllocatorPropertiesTest.emptyVg(1); // PVs of 15, 11, 19 and 9 extents of 4 MiB
  }

  private static LvOperations.CreateRequest req(String name, SizeSpec size) {
    return new LvOperations.CreateRequest(
        name, size, 1, 0, List.of(), null, List.of(), null, 1795772415L, "vm");
  }

  @Test
  void sizeSpecs() {
    assertEquals(new SizeSpec(SizeSpec.Kind.BYTES, 8L << 20, 0), SizeSpec.parseSize("8M"));
    assertEquals(new SizeSpec(SizeSpec.Kind.BYTES, 8L << 20, 1), SizeSpec.parseSize("+8m"));
    assertEquals(new SizeSpec(SizeSpec.Kind.BYTES, 3L << 29, 0), SizeSpec.parseSize("1.5g"));
    assertEquals(8L << 20, SizeSpec.parseSize("8").value());
    assertEquals(1024, SizeSpec.parseSize("2s").value());
    assertEquals(-1, SizeSpec.parseSize("-4k").sign());
    assertEquals(1L << 40, SizeSpec.parseSize("1T").value());
    assertThrows(IllegalArgumentException.class, () -> SizeSpec.parseSize("4x"));
    assertThrows(IllegalArgumentException.class, () -> SizeSpec.parseSize(""));
    assertThrows(IllegalArgumentException.class, () -> SizeSpec.parseSize("abc"));
    assertEquals(SizeSpec.Kind.PERCENT_FREE, SizeSpec.parseExtents("100%FREE").kind());
    assertEquals(SizeSpec.Kind.PERCENT_VG, SizeSpec.parseExtents("50%vg").kind());
    assertEquals(SizeSpec.Kind.PERCENT_PVS, SizeSpec.parseExtents("+10%PVS").kind());
    assertEquals(SizeSpec.extents(7), SizeSpec.parseExtents("7"));
    assertThrows(IllegalArgumentException.class, () -> SizeSpec.parseExtents("10%ORIGIN"));
    assertThrows(IllegalArgumentException.class, () -> SizeSpec.parseExtents("x"));
    assertThrows(IllegalArgumentException.class, () -> SizeSpec.parseExtents("101%VG"));
    // -L rounds up to whole extents; percentages round down unless asked to round up
    assertEquals(3, SizeSpec.parseSize("9M").toExtents(8192, 54, 54, 0, false));
    assertTrue(SizeSpec.parseSize("9M").needsRounding(8192));
    assertFalse(SizeSpec.parseSize("8M").needsRounding(8192));
    assertEquals(27, SizeSpec.parseExtents("50%VG").toExtents(8192, 54, 10, 0, false));
    assertEquals(3, SizeSpec.parseExtents("33%FREE").toExtents(8192, 54, 10, 0, false));
    assertEquals(4, SizeSpec.parseExtents("33%FREE").toExtents(8192, 54, 10, 0, true));
    assertEquals(5, SizeSpec.parseExtents("50%PVS").toExtents(8192, 54, 10, 10, false));
  }

  @Test
  void createRoundsLikeLvm2() {
    LvOperations.Result r = LvOperations.create(vg(), req("a", SizeSpec.parseSize("9M")));
    assertEquals(3, r.newExtents());
    assertTrue(r.roundedToExtent());
    assertFalse(r.roundedToStripes());
    LvOperations.Result s =
        LvOperations.create(vg(), req("s", SizeSpec.parseSize("36M")).withStripes(2, 0));
    assertEquals(9, s.requestedExtents());
    assertEquals(10, s.newExtents());
    assertTrue(s.roundedToStripes());
    StripedSegment seg = (StripedSegment) s.lv().segments().get(0);
    assertEquals(128, seg.stripeSize());
    assertEquals(0, s.oldExtents());
  }

  @Test
  void createErrors() {
    VolumeGroup vg = vg();
    VolumeGroup one = LvOperations.create(vg, req("a", SizeSpec.extents(1))).vg();
    assertEquals(
        "Logical Volume \"a\" already exists in volume group \"vgp\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> LvOperations.create(one, req("a", SizeSpec.extents(1))))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.create(vg, req("snapshot0", SizeSpec.extents(1))));
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.create(vg, req("a", SizeSpec.extents(0))));
    assertEquals(
        "Number of stripes (5) must not exceed number of physical volumes (4)",
        assertThrows(
                IllegalArgumentException.class,
                () -> LvOperations.create(vg, req("a", SizeSpec.extents(5)).withStripes(5, 0)))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.create(vg, req("a", SizeSpec.extents(4)).withStripes(2, 100)));
    assertEquals(
        "Insufficient free space: 60 extents needed, but only 54 available",
        assertThrows(
                AllocationException.class,
                () -> LvOperations.create(vg, req("big", SizeSpec.extents(60))))
            .getMessage());
    assertEquals(
        "Insufficient free space: 15 extents needed, but only 9 available",
        assertThrows(
                AllocationException.class,
                () ->
                    LvOperations.create(
                        vg,
                        req("c", SizeSpec.extents(15))
                            .withPvs(List.of(vg.pvs().get(3).id(), vg.pvs().get(3).id()))))
            .getMessage());
    VolumeGroup limited = vg.toBuilder().maxLv(1).build();
    VolumeGroup full = LvOperations.create(limited, req("a", SizeSpec.extents(1))).vg();
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> LvOperations.create(full, req("b", SizeSpec.extents(1))))
            .getMessage()
            .startsWith("Maximum number of logical volumes (1) reached"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LvOperations.create(
                vg, req("a", SizeSpec.extents(1)).withPvs(List.of(LvmUuid.random()))));
  }

  @Test
  void unnamedLvsGetLvm2sNextLvolName() {
    VolumeGroup vg = vg();
    assertEquals("lvol0", LvOperations.nextLvolName(vg));
    vg = LvOperations.create(vg, req("lvol7", SizeSpec.extents(1))).vg();
    vg = LvOperations.create(vg, req(null, SizeSpec.extents(1))).vg();
    assertTrue(vg.lv("lvol8").isPresent());
  }

  @Test
  void contiguousNeedsOneAreaAndUnallocatablePvsAreSkipped() {
    VolumeGroup vg = vg();
    assertEquals(
        "Insufficient suitable contiguous allocatable extents for logical volume big: 20 more required",
        assertThrows(
                AllocationException.class,
                () ->
                    LvOperations.create(
                        vg,
                        req("big", SizeSpec.extents(20)).withPolicy(AllocationPolicy.CONTIGUOUS)))
            .getMessage());
    LvOperations.Result r =
        LvOperations.create(
            vg, req("c", SizeSpec.extents(19)).withPolicy(AllocationPolicy.CONTIGUOUS));
    assertEquals(AllocationPolicy.CONTIGUOUS, r.lv().allocationPolicy());
    assertEquals(1, r.lv().segments().size());

    PhysicalVolume p0 = vg.pvs().get(0);
    VolumeGroup noAlloc = vg.withPv(p0.withFlags(Set.of()));
    LogicalVolume lv = LvOperations.create(noAlloc, req("x", SizeSpec.extents(2))).lv();
    assertFalse(((StripedSegment) lv.segments().get(0)).stripes().get(0).pv().equals(p0.id()));
    assertThrows(
        AllocationException.class,
        () ->
            LvOperations.create(noAlloc, req("x", SizeSpec.extents(1)).withPvs(List.of(p0.id()))));
    VolumeGroup missing = vg.withPv(p0.withFlags(Set.of(PvFlag.ALLOCATABLE, PvFlag.MISSING)));
    assertThrows(
        AllocationException.class,
        () ->
            LvOperations.create(missing, req("x", SizeSpec.extents(1)).withPvs(List.of(p0.id()))));
  }

  @Test
  void extendMergesWhenAdjacentAndReduceCutsFromTheEnd() {
    VolumeGroup vg = LvOperations.create(vg(), req("a", SizeSpec.extents(2))).vg();
    LvOperations.Result r =
        LvOperations.extend(vg, "a", SizeSpec.parseSize("+8M"), 0, 0, List.of(), null);
    assertEquals(1, r.lv().segments().size());
    assertEquals(4, r.newExtents());
    assertEquals(2, r.oldExtents());
    assertEquals(
        "New size (4 extents) matches existing size (4 extents).",
        assertThrows(
                IllegalArgumentException.class,
                () -> LvOperations.extend(r.vg(), "a", SizeSpec.extents(4), 0, 0, null, null))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.extend(r.vg(), "a", SizeSpec.extents(3), 0, 0, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.extend(r.vg(), "a", SizeSpec.parseSize("-4M"), 0, 0, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.extend(r.vg(), "nope", SizeSpec.extents(9), 0, 0, null, null));

    LvOperations.Result red = LvOperations.reduce(r.vg(), "a", SizeSpec.parseSize("-4M"));
    assertEquals(3, red.newExtents());
    assertEquals(3, LvOperations.reduce(r.vg(), "a", SizeSpec.extents(3)).newExtents());
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.reduce(r.vg(), "a", SizeSpec.extents(5)));
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.reduce(r.vg(), "a", SizeSpec.parseSize("-16M")));
    assertThrows(
        IllegalArgumentException.class,
        () -> LvOperations.reduce(r.vg(), "a", SizeSpec.parseSize("+4M")));

    // a striped LV keeps whole stripe rows
    VolumeGroup s = LvOperations.create(vg(), req("s", SizeSpec.extents(6)).withStripes(2, 0)).vg();
    LvOperations.Result cut = LvOperations.reduce(s, "s", SizeSpec.extents(3));
    assertEquals(4, cut.newExtents());
    assertTrue(cut.roundedToStripes());
    assertEquals(
        "New size (6 extents) matches existing size (6 extents)",
        assertThrows(
                IllegalArgumentException.class,
                () -> LvOperations.reduce(s, "s", SizeSpec.extents(5)))
            .getMessage());
    // extending a striped LV keeps its stripes
    LogicalVolume grown =
        LvOperations.extend(s, "s", SizeSpec.parseExtents("+3"), 0, 0, List.of(), null).lv();
    assertEquals(10, grown.extentCount());
    assertEquals(1, grown.segments().size());
  }

  @Test
  void removeAndRename() {
    VolumeGroup vg = LvOperations.create(vg(), req("a", SizeSpec.extents(2))).vg();
    assertTrue(LvOperations.remove(vg, "a").lvs().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> LvOperations.remove(vg, "b"));
    VolumeGroup renamed = LvOperations.rename(vg, "a", "b");
    assertTrue(renamed.lv("b").isPresent());
    assertEquals(vg.requireLv("a").id(), renamed.requireLv("b").id());
    assertThrows(IllegalArgumentException.class, () -> LvOperations.rename(vg, "a", "a"));
    assertThrows(IllegalArgumentException.class, () -> LvOperations.rename(vg, "a", "pvmove1"));
    VolumeGroup two = LvOperations.create(vg, req("c", SizeSpec.extents(1))).vg();
    assertThrows(IllegalArgumentException.class, () -> LvOperations.rename(two, "a", "c"));
    LogicalVolume hidden = vg.requireLv("a").withFlags(Set.of());
    assertThrows(IllegalArgumentException.class, () -> LvOperations.remove(vg.withLv(hidden), "a"));
  }

  @Test
  void pvResize() {
    VolumeGroup vg = LvOperations.create(vg(), req("a", SizeSpec.extents(15))).vg();
    PhysicalVolume p0 = vg.pvs().get(0);
    assertEquals(10, PvResize.peCountFor(10 * 8192 + 2048, 2048, 0, 8192));
    assertEquals(9, PvResize.peCountFor(10 * 8192 + 2048, 2048, 2048, 8192));
    assertEquals(0, PvResize.peCountFor(1024, 2048, 0, 8192));
    VolumeGroup grown = PvResize.resize(vg, p0.id(), 20 * 8192 + 2048, 0);
    assertEquals(20, grown.pv(p0.id()).orElseThrow().peCount());
    // lvm2 records the size without pe_start (and without a second area at the end).
    assertEquals(20 * 8192, grown.pv(p0.id()).orElseThrow().devSize());
    assertEquals(
        19 * 8192,
        PvResize.resize(vg, p0.id(), "d", 20 * 8192 + 2048, 8192)
            .pv(p0.id())
            .orElseThrow()
            .devSize());
    assertEquals(
        "/dev/loop0: cannot resize to 10 extents as 15 are allocated.",
        assertThrows(
                AllocationException.class, () -> PvResize.resize(vg, p0.id(), 10 * 8192 + 2048, 0))
            .getMessage());
    PhysicalVolume p3 = vg.pvs().get(3);
    assertEquals(
        5, PvResize.resize(vg, p3.id(), 5 * 8192 + 2048, 0).pv(p3.id()).orElseThrow().peCount());
    VolumeGroup gap =
        vg.withLvAdded(
            LogicalVolume.create(
                "z", LvmUuid.random(), 1, "vm", List.of(StripedSegment.linear(0, 2, p3.id(), 6))));
    assertEquals(
        p3.device() + ": cannot resize to 5 extents as later ones are allocated.",
        assertThrows(
                AllocationException.class, () -> PvResize.resize(gap, p3.id(), 5 * 8192 + 2048, 0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> PvResize.resize(vg, p3.id(), 100, 0));
    assertThrows(
        IllegalArgumentException.class, () -> PvResize.resize(vg, LvmUuid.random(), 100, 0));
  }

  @Test
  void extentMapRejectsDoubleUse() {
    VolumeGroup vg = vg();
    LvmUuid pv = vg.pvs().get(0).id();
    VolumeGroup bad =
        vg.withLvAdded(
                LogicalVolume.create(
                    "x", LvmUuid.random(), 1, "vm", List.of(StripedSegment.linear(0, 3, pv, 0))))
            .withLvAdded(
                LogicalVolume.create(
                    "y", LvmUuid.random(), 1, "vm", List.of(StripedSegment.linear(0, 3, pv, 2))));
    assertTrue(
        assertThrows(IllegalStateException.class, () -> ExtentMap.of(bad))
            .getMessage()
            .contains("is used by both x and y"));
    VolumeGroup beyond =
        vg.withLvAdded(
            LogicalVolume.create(
                "x", LvmUuid.random(), 1, "vm", List.of(StripedSegment.linear(0, 3, pv, 14))));
    assertThrows(IllegalStateException.class, () -> ExtentMap.of(beyond));
    VolumeGroup foreign =
        vg.withLvAdded(
            LogicalVolume.create(
                "x",
                LvmUuid.random(),
                1,
                "vm",
                List.of(StripedSegment.linear(0, 3, LvmUuid.random(), 0))));
    assertThrows(IllegalStateException.class, () -> ExtentMap.of(foreign));
    ExtentMap m = ExtentMap.of(vg);
    assertEquals(54, m.freeExtents());
    assertEquals(15, m.peCount(pv));
    assertTrue(m.reservedPvs().isEmpty());
    assertEquals(new PvArea(pv, 0, 15), m.free(pv).get(0));
    assertEquals(15, m.free(pv).get(0).end());
  }

  @Test
  void segmentsMergeOnlyWhenContinuing() {
    LvmUuid a = LvmUuid.random();
    LvmUuid b = LvmUuid.random();
    StripedSegment s1 =
        new StripedSegment(0, 4, 128, List.of(new Stripe(a, 0), new Stripe(b, 0)), null);
    StripedSegment s2 =
        new StripedSegment(4, 2, 128, List.of(new Stripe(a, 2), new Stripe(b, 2)), null);
    StripedSegment s3 =
        new StripedSegment(4, 2, 128, List.of(new Stripe(a, 2), new Stripe(b, 3)), null);
    assertTrue(Segments.mergeable(s1, s2));
    assertFalse(Segments.mergeable(s1, s3));
    assertEquals(1, Segments.merge(List.of(s1, s2)).size());
    assertEquals(6, Segments.merge(List.of(s1, s2)).get(0).extentCount());
    assertEquals(2, Segments.merge(List.of(s1, s3)).size());
  }
}
