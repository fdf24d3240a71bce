package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.text.ConfigValue;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VolumeGroupTest {
  private final Random rng = new Random(7);

  private VolumeGroup vg() {
    PhysicalVolume p0 = PhysicalVolume.of(LvmUuid.random(rng), "/dev/loop0", 131072, 2048, 15);
    PhysicalVolume p1 = PhysicalVolume.of(LvmUuid.random(rng), "/dev/loop1", 131072, 2048, 15);
    LogicalVolume lv1 =
        LogicalVolume.create(
            "lv1",
            LvmUuid.random(rng),
            1795772415,
            "vm",
            List.of(StripedSegment.linear(0, 2, p0.id(), 0)));
    return VolumeGroup.builder("vga", LvmUuid.random(rng))
        .seqno(3)
        .pvs(List.of(p0, p1))
        .lvs(List.of(lv1))
        .build();
  }

  @Test
  void lookupsAndDerivedValues() {
    VolumeGroup vg = vg();
    PhysicalVolume p1 = vg.pvs().get(1);
    assertEquals("pv1", vg.pvKey(p1.id()));
    assertEquals(p1, vg.pv(p1.id()).orElseThrow());
    assertEquals(p1, vg.pvByDevice("/dev/loop1").orElseThrow());
    assertTrue(vg.pvByDevice("/dev/nope").isEmpty());
    assertEquals(2, vg.requireLv("lv1").extentCount());
    assertThrows(IllegalArgumentException.class, () -> vg.requireLv("nope"));
    assertEquals(30, vg.extentCount());
    assertFalse(vg.writeLocked());
    assertTrue(vg.withSystemId("host_a").writeLocked());
    assertTrue(vg.withLock("sanlock", "1.0.0:lvmlock").writeLocked());
    assertFalse(vg.withLock("none", null).writeLocked());
    assertTrue(vg.writable());
    assertEquals("lvm2", vg.format());
    assertEquals(AllocationPolicy.NORMAL, vg.allocationPolicy());
    assertFalse(vg.hasOpaqueSegments());
    assertTrue(vg.toString().contains("vga"));
  }

  @Test
  void copiesLeaveTheOriginalUnchanged() {
    VolumeGroup vg = vg();
    VolumeGroup next = vg.withNextSeqno();
    assertEquals(3, vg.seqno());
    assertEquals(4, next.seqno());
    assertNotEquals(vg, next);
    assertEquals(vg, vg.toBuilder().build());
    assertEquals(vg.hashCode(), vg.toBuilder().build().hashCode());

    LogicalVolume lv1 = vg.requireLv("lv1");
    VolumeGroup renamed = vg.withLv(lv1.withName("data"));
    assertTrue(renamed.lv("data").isPresent());
    assertTrue(vg.lv("lv1").isPresent());

    LogicalVolume lv2 =
        LogicalVolume.create(
            "lv2",
            LvmUuid.random(rng),
            1,
            "vm",
            List.of(StripedSegment.linear(0, 1, vg.pvs().get(1).id(), 0)));
    VolumeGroup more = vg.withLvAdded(lv2);
    assertEquals(2, more.lvs().size());
    assertThrows(IllegalArgumentException.class, () -> more.withLvAdded(lv2));
    assertEquals(1, more.withoutLv("lv2").lvs().size());
    assertThrows(IllegalArgumentException.class, () -> vg.withoutLv("lv9"));

    assertEquals(List.of("site_a"), vg.withTags(List.of("site_a")).tags());
    assertThrows(IllegalArgumentException.class, () -> vg.withTags(List.of("bad tag")));
    assertEquals("vgz", vg.withName("vgz").name());
    assertEquals(
        AllocationPolicy.CLING, vg.withAllocationPolicy(AllocationPolicy.CLING).allocationPolicy());
    assertEquals(Set.of(VgFlag.READ), vg.withFlags(Set.of(VgFlag.READ)).flags());
    assertThrows(UnsupportedOperationException.class, () -> vg.lvs().clear());
  }

  @Test
  void pvChanges() {
    VolumeGroup vg = vg();
    PhysicalVolume p2 = PhysicalVolume.of(LvmUuid.random(rng), "/dev/loop2", 65536, 2048, 7);
    VolumeGroup ext = vg.withPvAdded(p2);
    assertEquals("pv2", ext.pvKey(p2.id()));
    assertEquals(3, ext.withoutPv(p2.id()).pvs().size() + 1);
    PhysicalVolume p0 = vg.pvs().get(0);
    assertThrows(IllegalStateException.class, () -> vg.withoutPv(p0.id()));
    assertEquals(20, vg.withPv(p0.withSize(200000, 20)).pvs().get(0).peCount());
    assertThrows(IllegalArgumentException.class, () -> vg.withPv(p2));
    assertThrows(IllegalArgumentException.class, () -> vg.withPvAdded(p0));
    PhysicalVolume changed =
        p0.withDevice("/dev/x")
            .withTags(List.of("t"))
            .withFlags(Set.of())
            .withBootloaderArea(2048, 2048)
            .withDeviceId("sys_wwid", "abc")
            .withExtra(List.of(), List.of("FUTURE"));
    assertEquals("/dev/x", changed.device());
    assertFalse(changed.allocatable());
    assertFalse(changed.missing());
    assertEquals(2048, changed.baSize());
    assertEquals("abc", changed.deviceId());
    assertEquals(List.of("FUTURE"), changed.unknownFlags());
  }

  @Test
  void lvInvariantsAndOpaqueSegments() {
    LvmUuid pv = LvmUuid.random(rng);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LogicalVolume.create(
                "x", LvmUuid.random(rng), 0, null, List.of(StripedSegment.linear(1, 2, pv, 0))));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StripedSegment(0, 3, 128, List.of(new Stripe(pv, 0), new Stripe(pv, 5)), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new StripedSegment(0, 2, 0, List.of(new Stripe(pv, 0), new Stripe(pv, 5)), null));
    StripedSegment s =
        new StripedSegment(0, 4, 128, List.of(new Stripe(pv, 0), new Stripe(pv, 5)), null);
    assertEquals(2, s.areaLength());
    assertEquals(2, s.stripeCount());
    assertFalse(s.isLinear());
    assertEquals(8, s.withExtentCount(8).extentCount());
    assertEquals(4, s.withStartExtent(4).startExtent());
    assertEquals("striped", s.type());
    assertEquals(0, StripedSegment.linear(0, 1, pv, 0).stripeSize());

    OpaqueSegment thin =
        new OpaqueSegment(
            0,
            10,
            "thin",
            List.of(new RawEntry.Setting("thin_pool", new ConfigValue.Str("pool"))),
            Set.of());
    LogicalVolume lv = LogicalVolume.create("thin1", LvmUuid.random(rng), 0, null, List.of(thin));
    assertFalse(lv.allSegmentsSupported());
    assertEquals(thin, lv.firstOpaqueSegment().orElseThrow());
    UnsupportedSegmentException e =
        assertThrows(UnsupportedSegmentException.class, () -> lv.stripedSegments("extend", "vg"));
    assertEquals(
        "Cannot extend vg/thin1: segment type \"thin\" is not supported by clvm (kept unchanged;"
            + " use lvm2 for this operation).",
        e.getMessage());
    assertEquals("thin", e.segmentType());
    assertEquals(5, thin.withStartExtent(5).startExtent());
    assertTrue(thin.tags().isEmpty());
    LogicalVolume changed =
        lv.withFlags(Set.of(LvFlag.READ))
            .withTags(List.of("a"))
            .withAllocationPolicy(AllocationPolicy.CONTIGUOUS)
            .withLockArgs("1.0.0:1")
            .withReadAhead(-1)
            .withFixedMinor(253, 7)
            .withProfile("p")
            .withExtra(List.of(), List.of());
    assertFalse(changed.visible());
    assertEquals(253, changed.major());
    assertEquals(AllocationPolicy.CONTIGUOUS, changed.allocationPolicy());
    assertEquals(AllocationPolicy.CONTIGUOUS, AllocationPolicy.of("contiguous").orElseThrow());
    assertEquals("cling_by_tags", AllocationPolicy.CLING_BY_TAGS.toString());
    assertTrue(VgFlag.of("WRITE").isPresent());
    assertTrue(PvFlag.of("MISSING").isPresent());
    assertEquals(FlagKind.COMPATIBLE, LvFlag.of("ACTIVATION_SKIP").orElseThrow().kind());
    assertTrue(LvFlag.of("BOGUS").isEmpty());
  }
}
