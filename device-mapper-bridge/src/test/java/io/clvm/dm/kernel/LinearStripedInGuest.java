package io.clvm.dm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.BlockDevices;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.Sectors;
import io.clvm.dm.kernel.GuestDisks.Loop;
import io.clvm.dm.lvm.LvActivation;
import io.clvm.dm.lvm.LvDevice;
import io.clvm.dm.lvm.LvmTables;
import io.clvm.dm.lvm.PvDevices;
import io.clvm.dm.table.Table;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.testing.block.DirectIo;
import io.clvm.testing.block.TaggedSectors;
import io.clvm.testing.uml.InGuest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LVs built from VG metadata (as lvm2 would activate them) over loop devices: every sector written
 * through {@code /dev/mapper/<name>} is found in the backing file at the offset the metadata says,
 * computed independently ({@link Mapping}).
 */
@InGuest
class LinearStripedInGuest {
  static final long EXTENT = 2048; // 1 MiB extents
  static final long PE_START = 2048;
  static GuestDisks disks;
  static Loop[] loops = new Loop[3];
  static VolumeGroup vg;
  static PvDevices pvs;

  @BeforeAll
  static void setUp() throws Exception {
    disks = new GuestDisks();
    Map<LvmUuid, DeviceNumber> numbers = new HashMap<>();
    PhysicalVolume[] pv = new PhysicalVolume[3];
    Random rnd = new Random(42);
    for (int i = 0; i < 3; i++) {
      loops[i] = disks.loop("pv" + i, Sectors.of(PE_START + 16 * EXTENT));
      pv[i] =
          PhysicalVolume.of(
              LvmUuid.random(rnd),
              loops[i].device().toString(),
              loops[i].size().count(),
              PE_START,
              16);
      numbers.put(pv[i].id(), loops[i].number());
    }
    pvs = PvDevices.of(numbers);
    LogicalVolume spanning =
        LogicalVolume.create(
            "data-span" + GuestDisks.SUFFIX,
            LvmUuid.random(rnd),
            0,
            null,
            List.of(
                StripedSegment.linear(0, 3, pv[0].id(), 2),
                StripedSegment.linear(3, 2, pv[1].id(), 7),
                StripedSegment.linear(5, 4, pv[0].id(), 9)));
    LogicalVolume striped =
        LogicalVolume.create(
            "striped" + GuestDisks.SUFFIX,
            LvmUuid.random(rnd),
            0,
            null,
            List.of(
                new StripedSegment(
                    0,
                    6,
                    128,
                    List.of(
                        new Stripe(pv[1].id(), 0),
                        new Stripe(pv[2].id(), 3),
                        new Stripe(pv[0].id(), 13)),
                    List.of()),
                StripedSegment.linear(6, 1, pv[2].id(), 0)));
    vg =
        VolumeGroup.builder("vg-dm", LvmUuid.random(rnd))
            .extentSize(EXTENT)
            .pvs(List.of(pv))
            .lvs(List.of(spanning, striped))
            .build();
  }

  @AfterAll
  static void tearDown() throws Exception {
    disks.close();
  }

  @Test
  void spanningLinearLv() throws Exception {
    checkEverySectorLandsWhereTheMetadataSays(vg.requireLv("data-span" + GuestDisks.SUFFIX));
  }

  @Test
  void stripedLv() throws Exception {
    checkEverySectorLandsWhereTheMetadataSays(vg.requireLv("striped" + GuestDisks.SUFFIX));
  }

  @Test
  void activationFollowsTheMetadata() throws Exception {
    LvActivation act = new LvActivation(disks.dm, disks.dm.nodes());
    LogicalVolume lv = vg.requireLv("data-span" + GuestDisks.SUFFIX);
    LvDevice d = act.device(vg, lv, pvs);
    Path link = Path.of("/dev", vg.name(), lv.name());
    try {
      assertEquals(LvActivation.Outcome.CREATED, act.activate(d));
      assertEquals(d.table().size().bytes(), BlockDevices.sizeBytes(link));
      assertEquals(LvActivation.Outcome.UNCHANGED, act.activate(d));
      // lvextend: two more extents on pv2, where extents 5.. are free
      List<StripedSegment> segs = lv.stripedSegments("test", vg.name());
      List<io.clvm.format.model.Segment> grown = new java.util.ArrayList<>(segs);
      grown.add(StripedSegment.linear(9, 2, vg.pvs().get(2).id(), 5));
      LogicalVolume bigger = lv.withSegments(grown);
      LvDevice d2 = act.device(vg.withLv(bigger), bigger, pvs);
      assertEquals(LvActivation.Outcome.RELOADED, act.activate(d2));
      assertEquals(d2.table().size().bytes(), BlockDevices.sizeBytes(link));
      assertEquals(Optional.of(d2.table()), act.liveTable(vg.name(), lv.name()));
      assertTrue(act.deactivate(vg.name(), lv.name()));
      assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "link removed");
      assertFalse(Files.exists(GuestDisks.mapper(d.name())), "node removed");
    } finally {
      act.deactivate(vg.name(), lv.name());
    }
  }

  private void checkEverySectorLandsWhereTheMetadataSays(LogicalVolume lv) throws Exception {
    LvDevice dev = LvmTables.device(vg, lv, pvs);
    DmName name = dev.name();
    disks.ops.createActive(name, Optional.of(dev.uuid()), dev.table());
    disks.dm.nodes().createLvLink(dev.vg(), dev.lv(), name);
    try {
      Table live = disks.dm.table(name, io.clvm.dm.DeviceMapper.TableSlot.LIVE).orElseThrow();
      assertEquals(dev.table(), live, "the kernel holds the table as loaded");
      assertEquals(
          dev.table().toString(),
          KernelBasicsInGuest.dmsetupTable(name),
          "dmsetup (libdevmapper) reads the table lvm2 would load");
      long sectors = dev.table().size().count();
      assertEquals(sectors * 512, BlockDevices.sizeBytes(GuestDisks.mapper(name)));
      String tag = lv.name();
      int chunk = 256 * 1024;
      ByteBuffer buf = DirectIo.aligned(chunk);
      // through the /dev/<vg>/<lv> link, as an application would
      try (FileChannel ch = DirectIo.open(disks.dm.nodes().lvLink(dev.vg(), dev.lv()), true)) {
        for (long at = 0; at < sectors * 512; at += chunk) {
          for (int s = 0; s < chunk / 512; s++) fillSector(buf, s, tag, at / 512 + s);
          DirectIo.writeFully(ch, buf, at);
        }
        ch.force(true);
      }
      Map<DeviceNumber, Loop> byNumber = new HashMap<>();
      for (Loop l : loops) byNumber.put(l.number(), l);
      for (long sector = 0; sector < sectors; sector++) {
        Mapping.Location where = Mapping.locate(dev.table(), sector);
        Loop loop = byNumber.get(where.device());
        byte[] got = GuestDisks.readFile(loop.file(), where.sector() * 512, 512);
        TaggedSectors.check(
            got,
            0,
            tag,
            sector,
            0,
            "of " + name + " in " + loop.file() + " at sector " + where.sector());
      }
    } finally {
      disks.dm.nodes().removeLvLink(dev.vg(), dev.lv());
      disks.dm.remove(name);
    }
  }

  private static void fillSector(ByteBuffer b, int index, String tag, long sector) {
    TaggedSectors.fill(b, index * 512, tag, sector, 0);
  }
}
