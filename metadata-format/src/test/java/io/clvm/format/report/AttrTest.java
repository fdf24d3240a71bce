package io.clvm.format.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.format.alloc.ExtentMap;
import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvFlag;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.MetadataImporterTestAccess;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.OpaqueSegment;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.PvFlag;
import io.clvm.format.model.RawEntry;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VgFlag;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.text.ConfigValue;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Attribute strings for states the fixtures do not show. */
class AttrTest {
  private static VolumeGroup vg() {
    PhysicalVolume pv = PhysicalVolume.of(LvmUuid.random(), "/dev/sdb", 131072, 2048, 15);
    LogicalVolume lv =
        LogicalVolume.create(
            "lv-1", LvmUuid.random(), 0, null, List.of(StripedSegment.linear(0, 2, pv.id(), 0)));
    return VolumeGroup.builder("vg-x", LvmUuid.random()).pvs(List.of(pv)).lvs(List.of(lv)).build();
  }

  @Test
  void vgAttr() {
    VolumeGroup vg = vg();
    assertEquals("wz--n-", VgReport.vgAttr(vg));
    assertEquals(
        "r---c-",
        VgReport.vgAttr(
            vg.withFlags(Set.of(VgFlag.READ)).withAllocationPolicy(AllocationPolicy.CONTIGUOUS)));
    assertEquals("wz--ns", VgReport.vgAttr(vg.withLock("sanlock", "1.0.0:lvmlock")));
    assertEquals(
        "wz--nc",
        VgReport.vgAttr(vg.withFlags(Set.of(VgFlag.WRITE, VgFlag.RESIZEABLE, VgFlag.CLUSTERED))));
    assertEquals(
        "-zx-l-",
        VgReport.vgAttr(
                vg.withFlags(Set.of(VgFlag.RESIZEABLE, VgFlag.EXPORTED))
                    .withAllocationPolicy(AllocationPolicy.CLING))
            .replaceFirst("^r", "-"));
    PhysicalVolume pv = vg.pvs().get(0);
    VolumeGroup partial = vg.withPv(pv.withFlags(Set.of(PvFlag.ALLOCATABLE, PvFlag.MISSING)));
    assertEquals("wz-pn-", VgReport.vgAttr(partial));
    assertEquals(1, VgReport.vgMissingPvCount(partial));
    assertEquals("a-m", PvReport.pvAttr(partial.pvs().get(0)));
    assertEquals("---", PvReport.pvAttr(pv.withFlags(Set.of())));
    assertEquals("", PvReport.pvAllocatable(pv.withFlags(Set.of())));
    assertEquals("read-only", VgReport.vgPermissions(vg.withFlags(Set.of(VgFlag.READ))));
    assertEquals("", VgReport.vgExtendable(vg.withFlags(Set.of(VgFlag.READ))));
    assertEquals("2", VgReport.vgMdaCopies(vg.toBuilder().metadataCopies(2).build()));
    assertEquals(52, VgReport.vgFreeCount(vg, ExtentMap.of(vg)) + 39);
  }

  @Test
  void originOfASnapshotIsMarkedPerVg() {
    VolumeGroup vg = vg();
    LogicalVolume origin = vg.requireLv("lv-1");
    LogicalVolume snap =
        LogicalVolume.create(
            "snap",
            LvmUuid.random(),
            0,
            null,
            List.of(
                new OpaqueSegment(
                    0,
                    1,
                    "snapshot",
                    List.of(
                        new RawEntry.Setting("chunk_size", new ConfigValue.Int(8)),
                        new RawEntry.Setting("origin", new ConfigValue.Str("lv-1")),
                        new RawEntry.Setting("cow_store", new ConfigValue.Str("snap_cow"))),
                    Set.of())));
    VolumeGroup withSnap = vg.toBuilder().lvs(List.of(origin, snap)).build();
    // the origin cache is per VG: asking about one VG, then another, then the first again
    assertEquals('o', LvReport.lvAttr(withSnap, origin, ActivationState.INACTIVE).charAt(0));
    assertEquals('-', LvReport.lvAttr(vg, origin, ActivationState.INACTIVE).charAt(0));
    assertEquals('o', LvReport.lvAttr(withSnap, origin, ActivationState.INACTIVE).charAt(0));
    assertEquals('s', LvReport.lvAttr(withSnap, snap, ActivationState.INACTIVE).charAt(0));
  }

  @Test
  void lvAttr() {
    VolumeGroup vg = vg();
    LogicalVolume lv = vg.requireLv("lv-1");
    assertEquals("-wi-------", LvReport.lvAttr(vg, lv, ActivationState.INACTIVE));
    assertEquals("-wi-a-----", LvReport.lvAttr(vg, lv, ActivationState.ACTIVE));
    assertEquals("-wi-ao----", LvReport.lvAttr(vg, lv, ActivationState.OPEN));
    assertEquals("-wi-s-----", LvReport.lvAttr(vg, lv, ActivationState.SUSPENDED));
    LogicalVolume odd =
        lv.withFlags(
                Set.of(
                    LvFlag.READ,
                    LvFlag.VISIBLE,
                    LvFlag.FIXED_MINOR,
                    LvFlag.LOCKED,
                    LvFlag.ACTIVATION_SKIP))
            .withAllocationPolicy(AllocationPolicy.CONTIGUOUS);
    assertEquals("-rCm-----k", LvReport.lvAttr(vg, odd, ActivationState.INACTIVE));
    assertEquals("/dev/mapper/vg--x-lv--1", LvReport.lvDmPath(vg, lv));
    assertEquals("/dev/vg-x/lv-1", LvReport.lvPath(vg, lv));
    assertEquals("", LvReport.lvPath(vg, lv.withFlags(Set.of(LvFlag.READ))));
    assertEquals("private", LvReport.lvRole(lv.withFlags(Set.of(LvFlag.READ))));
    assertEquals("", LvReport.lvTime(lv, java.time.ZoneOffset.UTC));
    assertEquals("", LvReport.lvHost(lv));
    assertEquals("0", LvReport.lvReadAhead(lv.withReadAhead(-1)));
    assertEquals("131072", LvReport.lvReadAhead(lv.withReadAhead(256)));
    assertEquals("/dev/sdb(0)", LvReport.devices(vg, lv.segments().get(0), LvReport.DEVICE_HINT));
  }

  @Test
  void opaqueTypesInReports() throws Exception {
    VolumeGroup vg = MetadataText.parse(MetadataImporterTestAccess.thinVg()).vg();
    // lvm2 shows an active thin pool as twi-aotz--
    assertEquals("twi-XXtz--", LvReport.lvAttr(vg, vg.requireLv("pool"), ActivationState.UNKNOWN));
    assertEquals(
        'V', LvReport.lvAttr(vg, vg.requireLv("thin1"), ActivationState.INACTIVE).charAt(0));
    assertEquals(
        'T', LvReport.lvAttr(vg, vg.requireLv("pool_tdata"), ActivationState.INACTIVE).charAt(0));
    assertEquals(
        'e', LvReport.lvAttr(vg, vg.requireLv("pool_tmeta"), ActivationState.INACTIVE).charAt(0));
    assertEquals("thin-pool", LvReport.lvLayout(vg.requireLv("pool")));
    assertEquals("thin", LvReport.segtype(vg.requireLv("thin1").segments().get(0)));
    assertEquals(
        "",
        LvReport.segPeRanges(vg, vg.requireLv("thin1").segments().get(0), LvReport.DEVICE_HINT));
    assertEquals(
        "", LvReport.devices(vg, vg.requireLv("thin1").segments().get(0), LvReport.DEVICE_HINT));
    assertEquals(0, LvReport.stripes(vg.requireLv("thin1").segments().get(0)));
    assertEquals(0, LvReport.stripeSize(vg.requireLv("thin1").segments().get(0)));
  }
}
