package io.clvm.it.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.testing.Await;
import io.clvm.testing.uml.InGuest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * clvm in local mode (the engine in this JVM) on two iSCSI LUNs bundled by dm-multipath: PVs on the
 * multipath maps, a VG, an LV written to while it is extended, a path lost under I/O, and the
 * storage server going away and coming back.
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClvmOnIscsiInGuest {
  static final Path SCRATCH = Path.of("/tmp/iscsi-clvm-clvmtest");
  static final String VG = "iscsivg";
  static final String LV = "clvmtest";
  static final DmName LV_DM = DmName.of(VG + "-" + LV);
  static final long MIB_BLOCKS = (1 << 20) / BlockWriter.BLOCK;

  IscsiLab lab;
  KernelDeviceMapper dm;
  Multipath mp;
  Clvm clvm;
  BlockWriter writer;

  @BeforeAll
  void start() throws IOException {
    dm = KernelDeviceMapper.open();
    dm.info(LV_DM).ifPresent(i -> removeLv());
    new Multipath(dm).close();
    lab = new IscsiLab(SCRATCH, Path.of("iscsi-logs").toAbsolutePath(), 2, 96L << 20);
    mp = new Multipath(dm);
    for (IscsiLab.Lun lun : lab.luns()) {
      mp.create(lun);
    }
    clvm = new Clvm(SCRATCH);
  }

  @AfterAll
  void stop() throws Exception {
    try (IscsiLab l = lab;
        Multipath m = mp) {
      if (writer != null) {
        writer.close();
      }
      if (clvm != null) {
        IscsiLab.note("cleanup: " + clvm.run("vgchange", "-an", VG));
      }
      removeLv();
    }
  }

  private void removeLv() {
    try {
      if (dm.info(LV_DM).isPresent()) {
        dm.remove(LV_DM);
      }
    } catch (IOException e) {
      IscsiLab.note("cannot remove " + LV_DM + ": " + e);
    }
  }

  private String map(int i) {
    return mp.maps().get(i).node().toString();
  }

  private Path lvNode() throws IOException {
    DeviceInfo info = dm.info(LV_DM).orElseThrow(() -> new AssertionError(LV_DM + " not active"));
    return Path.of("/dev/dm-" + info.device().minor());
  }

  private long lvBytes() throws IOException {
    String name = lvNode().getFileName().toString();
    return Long.parseLong(Files.readString(Path.of("/sys/block", name, "size")).strip()) * 512;
  }

  @Test
  @Order(1)
  void pvsVgAndLvOnTheMultipathMaps() throws IOException {
    clvm.run("pvcreate", map(0), map(1)).ok();
    Clvm.Run pvs = clvm.run("pvs", "--noheadings", "-o", "pv_name").ok();
    assertTrue(pvs.out().contains(map(0)) && pvs.out().contains(map(1)), pvs.toString());
    for (IscsiLab.Lun lun : lab.luns()) {
      for (IscsiLab.Path1 p : lun.paths()) {
        assertFalse(pvs.out().contains(p.node() + " "), pvs.toString());
      }
    }
    clvm.run("vgcreate", VG, map(0), map(1)).ok();
    IscsiLab.note(clvm.run("lvcreate", "-n", LV, "-L", "16m", VG).ok().toString());
    assertEquals(16L << 20, lvBytes());
  }

  @Test
  @Order(2)
  void writerThroughTheLvWhileItIsExtended() throws Exception {
    writer = new BlockWriter(lvNode(), "extend", 16 * MIB_BLOCKS, 40 * MIB_BLOCKS);
    writer.awaitMoreWrites(300);
    Clvm.Run ext = clvm.run("lvextend", "-L", "40m", VG + "/" + LV).ok();
    IscsiLab.note(ext.toString());
    assertEquals(40L << 20, lvBytes(), "the new size, visible at once");
    writer.limit(40 * MIB_BLOCKS);
    writer.awaitMoreWrites(1000);
    writer.assertNoErrors();
    Clvm.Run lvs = clvm.run("lvs", "--noheadings", "--units", "m", "-o", "lv_size", VG).ok();
    assertTrue(lvs.out().contains("40.00m"), lvs.toString());
  }

  @Test
  @Order(3)
  void aPathLostUnderIoDoesNotDisturbClvm() throws Exception {
    String second = IscsiLab.PORTALS.get(1);
    lab.logout(second);
    writer.awaitMoreWrites(500);
    writer.assertNoErrors();
    // clvm works through the remaining path: reads and a metadata change
    Clvm.Run ext = clvm.run("lvextend", "-L", "+4m", VG + "/" + LV).ok();
    IscsiLab.note(ext.toString());
    assertEquals(44L << 20, lvBytes());
    lab.login(second);
    mp.refresh(lab.luns());
    for (Multipath.Map1 m : mp.maps()) {
      assertEquals("AA", mp.pathStates(m), m.name().value());
    }
    writer.awaitMoreWrites(500);
    writer.close();
    writer.assertNoErrors();
    writer.verify(lvNode(), 40 * MIB_BLOCKS);
    writer = null;
  }

  @Test
  @Order(4)
  void theStorageGoingAwayFailsCommandsClearlyAndEverythingResumes() throws Exception {
    BlockWriter w = new BlockWriter(lvNode(), "outage", 44 * MIB_BLOCKS, 44 * MIB_BLOCKS);
    w.awaitMoreWrites(500);
    w.close();
    w.assertNoErrors();

    lab.stopTarget();
    long t0 = System.nanoTime();
    Clvm.Run ext = clvm.run("lvextend", "-L", "+4m", VG + "/" + LV);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    IscsiLab.note("during the outage (" + seconds + " s): " + ext);
    assertNotEquals(0, ext.status(), ext.toString());
    assertTrue(seconds < 60, "lvextend took " + seconds + " s during the outage");
    assertFalse(ext.err().contains("Internal error"), ext.toString());
    // the error names the devices that cannot be read, then what it means for the VG
    assertTrue(ext.err().contains("Error reading device " + map(0)), ext.toString());
    assertTrue(ext.err().contains("Error reading device " + map(1)), ext.toString());
    assertTrue(ext.err().contains("Volume group \"" + VG + "\" not found"), ext.toString());
    Clvm.Run vgs = clvm.run("vgs", VG);
    IscsiLab.note("vgs during the outage: " + vgs);
    assertNotEquals(0, vgs.status(), vgs.toString());
    ByteBuffer buf = BlockWriter.aligned(BlockWriter.BLOCK);
    try (FileChannel ch = BlockWriter.openDirect(lvNode(), false)) {
      ch.read(buf, 0);
      throw new AssertionError("read through the LV succeeded with the target down");
    } catch (IOException expected) {
      IscsiLab.note("LV read during the outage: " + expected);
    }

    lab.startTarget();
    List<IscsiLab.Lun> luns = lab.luns();
    Await.until(
        "the sessions to come back",
        Duration.ofSeconds(60),
        () -> luns.stream().allMatch(l -> l.paths().stream().allMatch(p -> readable(p.node()))));
    mp.refresh(lab.luns());
    Clvm.Run ck = clvm.run("vgck", VG);
    IscsiLab.note(ck.toString());
    assertEquals(0, ck.status(), ck.toString());
    Clvm.Run lvs = clvm.run("lvs", "--noheadings", "--units", "m", "-o", "lv_size", VG).ok();
    assertTrue(lvs.out().contains("44.00m"), "the failed lvextend changed nothing: " + lvs);
    clvm.run("lvextend", "-L", "+4m", VG + "/" + LV).ok();
    assertEquals(48L << 20, lvBytes());
    w.verify(lvNode(), 44 * MIB_BLOCKS);
  }

  private static boolean readable(Path dev) {
    ByteBuffer buf = BlockWriter.aligned(BlockWriter.BLOCK);
    try (FileChannel ch = BlockWriter.openDirect(dev, false)) {
      return ch.read(buf, 0) > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
