package io.clvm.it.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.engine.Devices;
import io.clvm.testing.Await;
import io.clvm.testing.block.ContinuousWriter;
import io.clvm.testing.uml.InGuest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * clvm under the real dm-multipath stack: one LUN seen through two iSCSI sessions (two portals),
 * {@code multipathd} (with udevd, a private configuration) making the map. clvm uses the map and
 * ignores its paths; a session logged out under I/O is dropped by multipathd and re-added on
 * re-login without clvm noticing; without multipathd's map the same PV on two disks is reported as
 * a duplicate and its VG refused, until multipathd is back; the storage server going away makes
 * clvm's commands fail naming the unreadable device, and once it is back multipathd reinstates the
 * paths, the VG checks clean, and the data is intact.
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultipathdInGuest {
  static final Path SCRATCH = Path.of("/tmp/iscsi-multipathd-clvmtest");
  static final String VG = "mpathvg";
  static final String LV = "clvmtest";
  static final DmName LV_DM = DmName.of(VG + "-" + LV);
  static final long MIB_BLOCKS = (1 << 20) / ContinuousWriter.BLOCK;

  IscsiLab lab;
  KernelDeviceMapper dm;
  Multipathd mpd;
  Clvm clvm;
  IscsiLab.Lun lun;
  ContinuousWriter written;

  @BeforeAll
  void start() throws IOException {
    dm = KernelDeviceMapper.open();
    removeLv();
    new Multipath(dm).close();
    Path logs = Path.of("iscsi-logs").toAbsolutePath();
    lab = new IscsiLab(SCRATCH, logs, 1, 64L << 20);
    lun = lab.luns().get(0);
    mpd = new Multipathd(dm, logs, List.of(lun));
    clvm = new Clvm(SCRATCH);
  }

  @AfterAll
  void stop() throws Exception {
    try (IscsiLab l = lab;
        Multipathd m = mpd) {
      if (written != null) {
        written.close();
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

  private String map() throws IOException {
    return mpd.node(lun).toString();
  }

  private Path lvNode() throws IOException {
    DeviceInfo info = dm.info(LV_DM).orElseThrow(() -> new AssertionError(LV_DM + " not active"));
    return Path.of("/dev/dm-" + info.device().minor());
  }

  private long lvBytes() throws IOException {
    String name = lvNode().getFileName().toString();
    return Long.parseLong(Files.readString(Path.of("/sys/block", name, "size")).strip()) * 512;
  }

  private static List<String> slaves(Path dmNode) throws IOException {
    try (Stream<Path> s =
        Files.list(Path.of("/sys/block", dmNode.getFileName().toString(), "slaves"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  @Order(1)
  void multipathdBundlesBothSessionsIntoOneMap() throws IOException {
    DeviceInfo info = dm.info(Multipathd.alias(lun)).orElseThrow();
    assertEquals(
        "mpath-" + Multipath.mpathWwid(lun.wwid()),
        info.uuid().map(u -> u.value()).orElse(""),
        "multipath-tools' dm uuid");
    assertEquals(2, lun.paths().size(), lun.toString());
    assertEquals(
        lun.paths().stream().map(IscsiLab.Path1::name).sorted().toList(), slaves(mpd.node(lun)));
    assertEquals("AA", mpd.states(lun));
    List<String> candidates = Devices.candidates(List.of());
    assertTrue(candidates.contains(map()), map() + " in " + candidates);
    for (IscsiLab.Path1 p : lun.paths()) {
      assertFalse(candidates.contains(p.node().toString()), p.node() + " in " + candidates);
    }
  }

  @Test
  @Order(2)
  void clvmUsesTheMapAndIgnoresItsPaths() throws IOException {
    clvm.run("pvcreate", map()).ok();
    clvm.run("vgcreate", VG, map()).ok();
    clvm.run("lvcreate", "-n", LV, "-L", "16m", VG).ok();
    assertEquals(16L << 20, lvBytes());
    Clvm.Run pvs = clvm.run("pvs", "--noheadings", "-o", "pv_name,vg_name").ok();
    assertTrue(pvs.out().contains(map()), pvs.toString());
    assertFalse(pvs.err().contains("WARNING"), pvs.toString());
    for (IscsiLab.Path1 p : lun.paths()) {
      assertFalse(pvs.out().contains(p.node() + " "), pvs.toString());
    }
  }

  @Test
  @Order(3)
  void aSessionLostUnderIoIsHandledByMultipathdWithoutClvmNoticing() throws Exception {
    String second = IscsiLab.PORTALS.get(1);
    try (ContinuousWriter w =
        new ContinuousWriter(lvNode(), "mpathd", 16 * MIB_BLOCKS, 20 * MIB_BLOCKS)) {
      w.awaitMoreWrites(300);
      lab.logout(second);
      // multipathd hears the disk go (udev remove event) and reloads the map with one path
      mpd.awaitPaths(lun, "A");
      w.awaitMoreWrites(300);
      w.assertNoErrors();
      Clvm.Run ext = clvm.run("lvextend", "-L", "20m", VG + "/" + LV).ok();
      IscsiLab.note(ext.toString());
      assertEquals(20L << 20, lvBytes());
      w.limit(20 * MIB_BLOCKS);
      Clvm.Run lvs = clvm.run("lvs", "--noheadings", "--units", "m", "-o", "lv_size", VG).ok();
      assertTrue(lvs.out().contains("20.00m"), lvs.toString());
      assertFalse(lvs.err().contains("WARNING"), lvs.toString());

      lab.login(second);
      // no help from the test: multipathd adds the new disk to the map by itself
      lun = lab.luns().get(0);
      mpd.awaitPaths(lun, "AA");
      assertEquals(
          lun.paths().stream().map(IscsiLab.Path1::name).sorted().toList(), slaves(mpd.node(lun)));
      w.awaitMoreWrites(500);
      w.close();
      w.assertNoErrors();
      w.verifyWritten(lvNode(), 20 * MIB_BLOCKS);
      written = w;
    }
  }

  @Test
  @Order(4)
  void withoutTheMapTheDuplicatePvIsReportedAndTheVgRefused() throws Exception {
    assertTrue(written != null, "needs the data of the previous test");
    clvm.run("lvchange", "-an", VG + "/" + LV).ok();
    mpd.stop();
    // udev may still be probing the map after the LV on it went away ("map in use"): settle, retry
    Await.until("multipath -f " + Multipathd.alias(lun), Duration.ofSeconds(60), this::flushMap);
    String a = lun.paths().get(0).node().toString();
    String b = lun.paths().get(1).node().toString();
    Clvm.Run pvs = clvm.run("pvs", "-o", "pv_name,pv_uuid");
    IscsiLab.note("no multipath: " + pvs);
    assertTrue(pvs.err().contains("is on several devices: " + a + ", " + b), pvs.toString());
    assertTrue(pvs.err().contains("cannot tell which to use"), pvs.toString());
    Clvm.Run act = clvm.run("lvchange", "-ay", VG + "/" + LV);
    IscsiLab.note("activation without multipath: " + act);
    assertNotEquals(0, act.status(), act.toString());
    assertTrue(act.err().contains("Cannot use VG " + VG), act.toString());
    assertTrue(dm.info(LV_DM).isEmpty(), "nothing activated on a path");

    mpd.start();
    Clvm.Run again = clvm.run("pvs", "-o", "pv_name").ok();
    assertFalse(again.err().contains("WARNING"), again.toString());
    assertTrue(again.out().contains(map()), again.toString());
    clvm.run("lvchange", "-ay", VG + "/" + LV).ok();
    written.verifyWritten(lvNode(), 20 * MIB_BLOCKS);
    Clvm.Run ck = clvm.run("vgck", VG);
    assertEquals(0, ck.status(), ck.toString());
  }

  @Test
  @Order(5)
  void theTargetGoingAwayFailsCommandsClearlyAndMultipathdReinstatesThePaths() throws Exception {
    assertTrue(written != null, "needs the data of the third test");
    lab.stopTarget();
    long t0 = System.nanoTime();
    Clvm.Run ext = clvm.run("lvextend", "-L", "+4m", VG + "/" + LV);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    IscsiLab.note("during the outage (" + seconds + " s): " + ext);
    assertNotEquals(0, ext.status(), ext.toString());
    assertTrue(seconds < 60, "lvextend took " + seconds + " s during the outage");
    assertFalse(ext.err().contains("Internal error"), ext.toString());
    // the device that cannot be read is named, then what that means for the VG
    assertTrue(ext.err().contains("Error reading device " + map()), ext.toString());
    assertTrue(ext.err().contains("Volume group \"" + VG + "\" not found"), ext.toString());
    Clvm.Run vgs = clvm.run("vgs", VG);
    assertNotEquals(0, vgs.status(), vgs.toString());
    // no_path_retry fail: the map does not queue, its paths are failed
    Await.until("the paths failed", Duration.ofSeconds(60), () -> !mpd.states(lun).contains("A"));

    lab.startTarget();
    // iscsid reconnects both sessions (the same disks), multipathd's checker reinstates the paths
    mpd.awaitPaths(lun, "AA");
    Clvm.Run ck = clvm.run("vgck", VG);
    IscsiLab.note(ck.toString());
    assertEquals(0, ck.status(), ck.toString());
    assertFalse(ck.err().contains("WARNING"), ck.toString());
    Clvm.Run lvs = clvm.run("lvs", "--noheadings", "--units", "m", "-o", "lv_size", VG).ok();
    assertTrue(lvs.out().contains("20.00m"), "the failed lvextend changed nothing: " + lvs);
    clvm.run("lvextend", "-L", "+4m", VG + "/" + LV).ok();
    assertEquals(24L << 20, lvBytes());
    written.verifyWritten(lvNode(), 20 * MIB_BLOCKS);
  }

  private boolean flushMap() {
    try {
      Proc.Result r =
          Proc.sh(60, "udevadm settle -t 30\nmultipath -f " + Multipathd.alias(lun).value());
      if (r.status() != 0) {
        IscsiLab.note("multipath -f: " + r.output().strip());
      }
      return r.status() == 0;
    } catch (IOException e) {
      IscsiLab.note("multipath -f: " + e);
      return false;
    }
  }
}
