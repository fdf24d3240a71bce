package io.clvm.it.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.KernelDeviceMapper;
import io.clvm.engine.Devices;
import io.clvm.engine.MultipathComponents;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.PvFormatOptions;
import io.clvm.format.disk.PvFormatter;
import io.clvm.format.model.LvmUuid;
import io.clvm.testing.Await;
import io.clvm.testing.block.ContinuousWriter;
import io.clvm.testing.block.DirectIo;
import io.clvm.testing.uml.InGuest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two LUNs, each seen through two iSCSI sessions, bundled by dm-multipath: clvm's device scan sees
 * the multipath maps and not their paths, reports a PV seen through two paths without multipath as
 * a duplicate, and a path going away under I/O does not disturb the map.
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultipathPathsInGuest {
  static final Path SCRATCH = Path.of("/tmp/iscsi-paths-clvmtest");

  IscsiLab lab;
  KernelDeviceMapper dm;
  Multipath mp;
  List<Multipath.Map1> maps;
  Clvm clvm;

  @BeforeAll
  void start() throws IOException {
    dm = KernelDeviceMapper.open();
    new Multipath(dm).close(); // maps a failed earlier run left
    lab = new IscsiLab(SCRATCH, Path.of("iscsi-logs").toAbsolutePath(), 2, 64L << 20);
    mp = new Multipath(dm);
    for (IscsiLab.Lun lun : lab.luns()) {
      mp.create(lun);
    }
    maps = mp.maps();
    clvm = new Clvm(SCRATCH);
  }

  @AfterAll
  void stop() throws Exception {
    try (IscsiLab l = lab;
        Multipath m = mp) {
      // maps first (they hold the SCSI disks), then the sessions and the target
    }
  }

  @Test
  @Order(1)
  void everyLunHasOnePathPerPortal() {
    List<IscsiLab.Lun> luns = lab.luns();
    assertEquals(2, luns.size());
    for (IscsiLab.Lun lun : luns) {
      assertEquals(2, lun.paths().size(), lun.toString());
      assertEquals(IscsiLab.PORTALS.get(0), lun.paths().get(0).portal());
      assertEquals(IscsiLab.PORTALS.get(1), lun.paths().get(1).portal());
    }
    assertNotEquals(luns.get(0).wwid(), luns.get(1).wwid());
  }

  @Test
  @Order(2)
  void theScanSeesTheMapsAndNotTheirPaths() throws IOException {
    MultipathComponents mc = MultipathComponents.SYSTEM;
    List<String> candidates = Devices.candidates(List.of());
    for (Multipath.Map1 m : maps) {
      assertTrue(candidates.contains(m.node().toString()), m.node() + " in " + candidates);
      String kernel = m.node().getFileName().toString();
      assertTrue(mc.isMultipath(kernel));
      for (IscsiLab.Path1 p : m.lun().paths()) {
        assertFalse(candidates.contains(p.node().toString()), p.node() + " in " + candidates);
        assertEquals(Optional.of(kernel), mc.holderOf(p.name()));
        assertEquals(Optional.of(kernel), mc.multipathHolderOfPath(p.node().toString()));
      }
    }
  }

  @Test
  @Order(3)
  void aPvIsSeenOnItsMapAndDuplicatesAreNamed() throws IOException {
    Multipath.Map1 m = maps.get(0);
    String uuid = LvmUuid.random().raw();
    try (FileDevice d = FileDevice.openReadWrite(m.node())) {
      PvFormatter.format(d, PvFormatOptions.defaults(uuid));
      d.flush();
    }
    String dashed = new LvmUuid(uuid).dashed();
    Clvm.Run pvs = clvm.run("pvs", "-o", "pv_name,pv_uuid", "--noheadings").ok();
    assertTrue(pvs.out().contains(m.node().toString()), pvs.toString());
    assertTrue(pvs.out().contains(dashed), pvs.toString());
    for (IscsiLab.Path1 p : m.lun().paths()) {
      assertFalse(pvs.out().contains(p.node().toString()), pvs.toString());
    }

    // The two paths named without their map: the same PV twice, and nothing to tell which.
    String a = m.lun().paths().get(0).node().toString();
    String b = m.lun().paths().get(1).node().toString();
    Clvm.Run dup = clvm.run("pvs", "--devices", a + "," + b, "-o", "pv_name,pv_uuid");
    assertTrue(
        dup.err().contains("PV " + dashed + " is on several devices: " + a + ", " + b),
        dup.toString());
    assertTrue(dup.err().contains("cannot tell which to use"), dup.toString());

    // A path named with its map: the map is used, the path dropped with a word why.
    Clvm.Run both = clvm.run("pvs", "--devices", a + "," + m.node(), "-o", "pv_name").ok();
    assertTrue(
        both.err()
            .contains(
                "Not using device "
                    + a
                    + " for PV "
                    + dashed
                    + ": it is a path of"
                    + " multipath device "
                    + m.node()),
        both.toString());
    assertTrue(both.out().contains(m.node().toString()), both.toString());
  }

  @Test
  @Order(4)
  void aPathLostUnderIoDoesNotDisturbTheMap() throws Exception {
    Multipath.Map1 m = maps.get(1);
    long blocks = 2048; // 8 MiB
    String second = IscsiLab.PORTALS.get(1);
    try (ContinuousWriter w = new ContinuousWriter(m.node(), "path-loss", blocks, blocks)) {
      w.awaitMoreWrites(200);
      lab.logout(second);
      w.awaitMoreWrites(500);
      w.assertNoErrors();
      // the kernel failed the lost path on the first I/O to it; only the first portal's is active
      Await.until("the lost path failed", Duration.ofSeconds(30), () -> states(m).equals("AF"));
      w.awaitMoreWrites(200);
      lab.login(second);
      // multipathd's job: the map again over both (new) paths
      mp.refresh(lab.luns());
      assertEquals("AA", states(mp.maps().get(1)));
      w.awaitMoreWrites(500);
      w.close();
      w.assertNoErrors();
      w.verifyWritten(m.node(), blocks);
      // and each path holds the same data, read without the map
      for (IscsiLab.Path1 p : lab.luns().get(1).paths()) {
        w.verifyWritten(p.node(), blocks);
      }
    }
  }

  @Test
  @Order(5)
  void theTargetGoingAwayFailsIoInBoundedTimeAndComesBack() throws Exception {
    Multipath.Map1 m = mp.maps().get(0);
    lab.stopTarget();
    long t0 = System.nanoTime();
    ByteBuffer buf = DirectIo.aligned(DirectIo.BLOCK);
    assertThrows(
        IOException.class,
        () -> {
          try (FileChannel ch = DirectIo.open(m.node(), false)) {
            ch.read(buf, 1 << 20);
          }
        });
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertTrue(seconds < 30, "I/O failed after " + seconds + " s, not bounded by the 5 s timeout");
    Clvm.Run pvs = clvm.run("pvs", "-o", "pv_name");
    // the PV on the map cannot be read: it is not listed (lvm2 lists nothing unreadable either)
    assertFalse(pvs.out().contains(m.node().toString()), pvs.toString());

    lab.startTarget();
    Await.until(
        "the sessions to come back",
        Duration.ofSeconds(60),
        () ->
            readable(lab.luns().get(0).paths().get(0).node())
                && readable(lab.luns().get(0).paths().get(1).node()));
    mp.refresh(lab.luns());
    Clvm.Run again = clvm.run("pvs", "-o", "pv_name").ok();
    assertTrue(again.out().contains(m.node().toString()), again.toString());
  }

  private String states(Multipath.Map1 m) {
    try {
      return mp.pathStates(m);
    } catch (IOException e) {
      return "?";
    }
  }

  private static boolean readable(Path dev) {
    ByteBuffer buf = DirectIo.aligned(DirectIo.BLOCK);
    try (FileChannel ch = DirectIo.open(dev, false)) {
      return ch.read(buf, 0) > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
