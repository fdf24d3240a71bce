package io.clvm.it.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cli.Main;
import io.clvm.cli.Session;
import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.testing.Await;
import io.clvm.testing.uml.InGuest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two clvm nodes on the same iSCSI LUNs (through dm-multipath): two clvmd daemons in this guest,
 * each with its own dm name prefix ({@code n1-}, {@code n2-}) standing in for two hosts, ZooKeeper
 * in this JVM. The LV is activated shared on both nodes; a writer on node 2 runs while node 1
 * extends the LV: no I/O errors, the new size visible on node 2 at once, the data intact when read
 * through node 1's device.
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterOnIscsiInGuest {
  static final Path SCRATCH = Path.of("/tmp/iscsi-cluster-clvmtest");
  static final String VG = "clustervg";
  static final String LV = "clvmtest";
  static final long MIB_BLOCKS = (1 << 20) / BlockWriter.BLOCK;
  static final int NODES = 2;

  IscsiLab lab;
  KernelDeviceMapper dm;
  Multipath mp;
  TestingServer zk;
  final List<Process> daemons = new ArrayList<>();
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
    zk = new TestingServer(true);
    for (int n = 1; n <= NODES; n++) {
      Files.writeString(config(n), configText(n));
      daemons.add(
          Proc.start(
              logs.resolve("clvmd-node" + n + ".log"),
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx160m",
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.clvm.daemon.Main",
                  "--config",
                  config(n).toString())));
    }
    for (int n = 1; n <= NODES; n++) {
      int node = n;
      Process p = daemons.get(n - 1);
      Await.until(
          "clvmd node" + n + " to open its socket",
          Duration.ofSeconds(90),
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError("clvmd node" + node + " exited, see iscsi-logs");
            }
            return Files.exists(socket(node));
          });
    }
    IscsiLab.note("two clvmd nodes up");
  }

  Path config(int node) {
    return SCRATCH.resolve("node" + node + ".conf");
  }

  Path socket(int node) {
    return SCRATCH.resolve("node" + node + ".sock");
  }

  private String configText(int node) {
    String devices = mp.maps().get(0).node() + "," + mp.maps().get(1).node();
    return String.join(
        "\n",
        "cluster.name = \"iscsi\"",
        "node.id = \"node" + node + "\"",
        "zookeeper.connect = \"" + zk.getConnectString() + "\"",
        "zookeeper.sessionTimeoutMs = 15000",
        "propagation.timeoutMs = 20000",
        "socket.path = \"" + socket(node) + "\"",
        "socket.allowedUsers = \"root\"",
        "socket.readTimeoutMs = 60000",
        "global.locking_mode = \"cluster\"",
        "global.lock_dir = \"" + SCRATCH.resolve("lock" + node) + "\"",
        "backup.backup = 0",
        "backup.archive = 0",
        "devices.devices = \"" + devices + "\"",
        "activation.name_prefix = \"n" + node + "-\"",
        "activation.device_mapper = \"kernel\"",
        "");
  }

  Clvm.Run run(int node, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            false,
            Map.of("CLVM_CONF", config(node).toString()));
    int status = Main.run(args, s);
    return new Clvm.Run(List.of(args), status, out.toString(), err.toString());
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
      for (int n = 1; n <= daemons.size(); n++) {
        IscsiLab.note("cleanup node" + n + ": " + run(n, "lvchange", "-an", VG + "/" + LV));
      }
      for (Process p : daemons) {
        Proc.stop(p, 20);
      }
      if (zk != null) {
        zk.close();
      }
      removeLvs();
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
    try (BlockWriter w = new BlockWriter(lvNode(2), "node2", 16 * MIB_BLOCKS, 40 * MIB_BLOCKS)) {
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
      w.verify(lvNode(1), 40 * MIB_BLOCKS);
    }
  }
}
