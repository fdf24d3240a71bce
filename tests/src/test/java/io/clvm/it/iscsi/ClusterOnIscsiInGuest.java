package io.clvm.it.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.it.harness.CliResult;
import io.clvm.it.harness.InProcessCli;
import io.clvm.testing.Await;
import io.clvm.testing.block.ContinuousWriter;
import io.clvm.testing.block.DirectIo;
import io.clvm.testing.cluster.ClvmdNodes;
import io.clvm.testing.cluster.ClvmdProcess;
import io.clvm.testing.cluster.NodeConfig;
import io.clvm.testing.cluster.ScratchDir;
import io.clvm.testing.cluster.ZooKeeperTestServer;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.uml.InGuest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two clvm nodes on the same iSCSI LUNs (through dm-multipath): two clvmd daemons in this guest,
 * each with its own dm name prefix ({@code n1-}, {@code n2-}) standing in for two hosts, ZooKeeper
 * in this JVM. The LV is activated shared on both nodes; a writer on node 2 runs while node 1
 * extends the LV: no I/O errors, the new size visible on node 2 at once, the data intact when read
 * through node 1's device. Then the storage server goes away (tgtd killed) and comes back: the
 * daemons' commands fail with clear errors meanwhile, and afterwards clvm's and lvm2's checks are
 * clean, the data is intact, and the next lvextend reaches both nodes.
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOnIscsiInGuest {
  static final Path SCRATCH = Path.of("/tmp/iscsi-cluster-clvmtest");
  static final String VG = "clustervg";
  static final String LV = "clvmtest";
  static final long MIB_BLOCKS = (1 << 20) / ContinuousWriter.BLOCK;
  static final int NODES = 2;

  IscsiLab lab;
  KernelDeviceMapper dm;
  Multipath mp;
  TestingServer zk;
  ClvmdNodes daemons;

  /** The writer of the first test, kept to check its data after the outage. */
  ContinuousWriter written;

  final Path logs = Path.of("iscsi-logs").toAbsolutePath();

  @BeforeAll
  void start() throws Exception {
    dm = KernelDeviceMapper.open();
    removeLvs();
    new Multipath(dm).close();
    lab = new IscsiLab(SCRATCH, logs, 2, 96L << 20);
    mp = new Multipath(dm);
    for (IscsiLab.Lun lun : lab.luns()) {
      mp.create(lun);
    }
    zk = ZooKeeperTestServer.start(SCRATCH);
    daemons = new ClvmdNodes(NODES, SCRATCH, logs, "clvmd-node", ClvmdProcess.SMALL_JVM, true);
    for (int n = 1; n <= NODES; n++) {
      daemons.start(n, configText(n));
    }
    for (int n = 1; n <= NODES; n++) {
      daemons.awaitUp(n, Duration.ofSeconds(90));
    }
    IscsiLab.note("two clvmd nodes up");
  }

  private String configText(int node) {
    return NodeConfig.clusterNode("iscsi", "node" + node)
        .zookeeper(zk.getConnectString(), 15000)
        .set("propagation.timeoutMs", 20000)
        .socket(daemons.socket(node), "root")
        .set("socket.readTimeoutMs", 60000)
        .noBackups(SCRATCH.resolve("lock" + node))
        .devices(List.of(mp.maps().get(0).node(), mp.maps().get(1).node()))
        .activation("n" + node + "-", "kernel")
        .text();
  }

  Clvm.Run run(int node, String... args) {
    CliResult r = InProcessCli.run(daemons.config(node), args);
    return new Clvm.Run(List.of(args), r.exit(), r.out(), r.err());
  }

  private DmName lvName(int node) {
    return DmName.of("n" + node + "-" + VG + "-" + LV);
  }

  private Path lvNode(int node) throws IOException {
    DeviceInfo info =
        dm.info(lvName(node)).orElseThrow(() -> new AssertionError(lvName(node) + " not active"));
    return Path.of("/dev/dm-" + info.device().minor());
  }

  private long bytes(Path node) throws IOException {
    return Long.parseLong(
            Files.readString(Path.of("/sys/block", node.getFileName().toString(), "size")).strip())
        * 512;
  }

  @AfterAll
  void stop() throws Exception {
    try (IscsiLab l = lab;
        Multipath m = mp) {
      for (int n = 1; daemons != null && n <= NODES; n++) {
        if (daemons.daemon(n) != null) {
          IscsiLab.note("cleanup node" + n + ": " + run(n, "lvchange", "-an", VG + "/" + LV));
        }
      }
      if (daemons != null) {
        daemons.close();
      }
      if (zk != null) {
        zk.close();
      }
      removeLvs();
      ScratchDir.delete(SCRATCH.resolve("zk"));
    }
  }

  private void removeLvs() throws IOException {
    for (DeviceEntry e : dm.listDevices()) {
      String n = e.name().value();
      if (n.matches("n\\d+-.*-clvmtest")) {
        try {
          dm.remove(e.name());
        } catch (IOException ex) {
          IscsiLab.note("cannot remove " + n + ": " + ex);
        }
      }
    }
  }

  @Test
  @Order(1)
  void writerOnNode2WhileNode1Extends() throws Exception {
    String a = mp.maps().get(0).node().toString();
    String b = mp.maps().get(1).node().toString();
    run(1, "pvcreate", a, b).ok();
    run(1, "vgcreate", "--shared", VG, a, b).ok();
    run(1, "lvcreate", "-an", "-L", "16m", "-n", LV, VG).ok();
    for (int n = 1; n <= NODES; n++) {
      run(n, "lvchange", "-asy", VG + "/" + LV).ok();
    }
    assertEquals(16L << 20, bytes(lvNode(2)));
    try (ContinuousWriter w =
        new ContinuousWriter(lvNode(2), "node2", 16 * MIB_BLOCKS, 40 * MIB_BLOCKS)) {
      w.awaitMoreWrites(300);
      Clvm.Run ext = run(1, "lvextend", "-L", "40m", VG + "/" + LV).ok();
      IscsiLab.note(ext.toString());
      assertTrue(ext.out().contains("applied on 2/2 nodes"), ext.toString());
      assertEquals(40L << 20, bytes(lvNode(2)), "the new size on node 2");
      assertEquals(40L << 20, bytes(lvNode(1)), "the new size on node 1");
      w.limit(40 * MIB_BLOCKS);
      w.awaitMoreWrites(1000);
      w.close();
      w.assertNoErrors();
      w.verifyWritten(lvNode(1), 40 * MIB_BLOCKS);
      written = w;
    }
  }

  @Test
  @Order(2)
  void theTargetGoingAwayFailsCommandsClearlyAndEverythingResumes() throws Exception {
    assertTrue(written != null, "needs the data of the first test");
    String a = mp.maps().get(0).node().toString();
    String b = mp.maps().get(1).node().toString();
    lab.stopTarget();
    long t0 = System.nanoTime();
    Clvm.Run ext = run(1, "lvextend", "-L", "+4m", VG + "/" + LV);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    IscsiLab.note("node1 during the outage (" + seconds + " s): " + ext);
    assertNotEquals(0, ext.status(), ext.toString());
    assertTrue(seconds < 60, "lvextend took " + seconds + " s during the outage");
    assertFalse(ext.err().contains("Internal error"), ext.toString());
    // the daemon's check of the disks under the VG lock names the device it cannot read
    assertTrue(
        ext.err().contains("Error reading device " + a)
            || ext.err().contains("Error reading device " + b),
        ext.toString());
    // the failed command released the VG lock: node 2's change fails as fast, not after the lock
    // timeout (a leaked lock once made every later command wait for it)
    t0 = System.nanoTime();
    Clvm.Run ext2 = run(2, "lvextend", "-L", "+4m", VG + "/" + LV);
    seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    IscsiLab.note("node2 during the outage (" + seconds + " s): " + ext2);
    assertNotEquals(0, ext2.status(), ext2.toString());
    assertTrue(seconds < 30, "node 2's lvextend took " + seconds + " s: a lock left held?");
    assertTrue(ext2.err().contains("Error reading device"), ext2.toString());
    Clvm.Run vgs = run(2, "vgs", VG);
    IscsiLab.note("node2 during the outage: " + vgs);
    assertNotEquals(0, vgs.status(), vgs.toString());
    assertTrue(vgs.err().contains("Error reading device"), vgs.toString());
    // the cluster itself is fine: both daemons answer, nobody was fenced
    Clvm.Run status = run(2, "cluster", "status");
    IscsiLab.note("cluster status during the outage: " + status);
    assertEquals(0, status.status(), status.toString());
    for (int n = 1; n <= NODES; n++) {
      assertTrue(daemons.daemon(n).alive(), "a daemon died during the outage");
    }
    ByteBuffer buf = DirectIo.aligned(DirectIo.BLOCK);
    try (FileChannel ch = DirectIo.open(lvNode(2), false)) {
      ch.read(buf, 0);
      throw new AssertionError("read through node 2's LV succeeded with the target down");
    } catch (IOException expected) {
      IscsiLab.note("node 2 LV read during the outage: " + expected);
    }

    lab.startTarget();
    Await.until(
        "the sessions to come back",
        Duration.ofSeconds(60),
        () ->
            lab.luns().stream()
                .allMatch(l -> l.paths().stream().allMatch(p -> readable(p.node()))));
    mp.refresh(lab.luns());
    for (int n = 1; n <= NODES; n++) {
      Clvm.Run ck = run(n, "vgck", VG);
      IscsiLab.note("node" + n + ": " + ck);
      assertEquals(0, ck.status(), ck.toString());
      assertFalse(ck.err().contains("WARNING"), ck.toString());
    }
    // lvm2's view of the same disks (read-only: it may only read a clvm VG, with --shared)
    try (Lvm2Oracle lvm2 = Lvm2Oracle.forDevices(Path.of(a), Path.of(b))) {
      Lvm2Oracle.Result v =
          lvm2.run("vgs", "--shared", "--noheadings", "--units", "m", "-o", "vg_name,lv_count", VG);
      IscsiLab.note(v.toString());
      assertTrue(v.ok(), v.toString());
      assertTrue(v.errors().isEmpty(), v.toString());
      Lvm2Oracle.Result l =
          lvm2.run("lvs", "--shared", "--noheadings", "--units", "m", "-o", "lv_size", VG);
      assertTrue(l.ok() && l.stdout().contains("40.00m"), l.toString());
      for (String dev : List.of(a, b)) {
        Lvm2Oracle.Result ck = lvm2.run("pvck", dev);
        IscsiLab.note(ck.toString());
        assertTrue(ck.ok(), ck.toString());
      }
    }
    Clvm.Run lvs = run(2, "lvs", "--noheadings", "--units", "m", "-o", "lv_size", VG).ok();
    assertTrue(lvs.out().contains("40.00m"), "the failed lvextend changed nothing: " + lvs);
    Clvm.Run again = run(1, "lvextend", "-L", "+4m", VG + "/" + LV).ok();
    assertTrue(again.out().contains("applied on 2/2 nodes"), again.toString());
    assertEquals(44L << 20, bytes(lvNode(2)), "the new size on node 2");
    written.verifyWritten(
        lvNode(2), 40 * MIB_BLOCKS); // (node 1's view was checked before the outage)
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
