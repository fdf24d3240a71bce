package io.clvm.it.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cli.cluster.CliDaemonBackend;
import io.clvm.daemon.Daemon;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.Table;
import io.clvm.it.harness.CliResult;
import io.clvm.it.harness.InProcessCli;
import io.clvm.testing.Await;
import io.clvm.testing.block.ContinuousWriter;
import io.clvm.testing.block.DirectIo;
import io.clvm.testing.cluster.NodeConfig;
import io.clvm.testing.cluster.ZooKeeperTestServer;
import io.clvm.testing.net.TcpProxy;
import io.clvm.testing.uml.InGuest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * issue 6 on a real kernel: two clvmd (node A = {@code k1-}, node B = {@code k2-} dm names) share
 * the guest's device-mapper and two loop-device PVs; ZooKeeper runs in this JVM, node B reaches it
 * through a proxy the test can cut. The daemons run in this JVM too (each with its own ZooKeeper
 * session, device-mapper handle and fencer): process creation is slow in UML, and the cluster logic
 * is the same as in separate processes (those are tested on the host).
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodesInGuest {
  static final String SUFFIX = "-clvmtest";
  static final Path IMAGES = Path.of("/run/clvm-test-images");
  static final Path SCRATCH = Path.of("/run/clvm-kernel-clvmtest");
  static final String VG = "kvg";
  static final long MIB = 1 << 20;
  static final int BLOCK = DirectIo.BLOCK;

  private KernelDeviceMapper dm;
  private TestingServer zk;
  private TcpProxy nodeBLink;
  private final List<Path> loops = new ArrayList<>();
  private final List<Daemon> daemons = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    dm = KernelDeviceMapper.open();
    cleanup();
    Files.createDirectories(IMAGES);
    Files.createDirectories(SCRATCH);
    for (int i = 1; i <= 2; i++) {
      Path img = IMAGES.resolve("kpv" + i + SUFFIX + ".img");
      try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
        f.setLength(64 * MIB);
      }
      loops.add(Path.of(run("losetup", "--find", "--show", img.toString()).strip()));
    }
    zk = ZooKeeperTestServer.start(SCRATCH);
    nodeBLink = new TcpProxy(zk.getPort());
    for (int n = 1; n <= 2; n++) {
      String connect = n == 1 ? zk.getConnectString() : nodeBLink.connectString();
      Files.writeString(config(n), configText(n, connect));
      daemons.add(Daemon.start(DaemonConfig.load(config(n)), new CliDaemonBackend()));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (nodeBLink != null) {
      nodeBLink.restore(); // so that node B can say goodbye to ZooKeeper quickly
    }
    for (Daemon d : daemons) {
      d.close();
    }
    if (nodeBLink != null) {
      nodeBLink.close();
    }
    if (zk != null) {
      zk.close();
    }
    cleanup();
    dm.close();
  }

  private static Path config(int node) {
    return SCRATCH.resolve("node" + node + ".conf");
  }

  private String configText(int node, String connect) {
    return NodeConfig.clusterNode("kernel", "node" + node)
        // TestingServer's tick is 3 s: 6 s is its shortest session; fencing grace 1.5 s.
        .zookeeper(connect, 6000)
        .set("propagation.timeoutMs", 30000)
        .socket(SCRATCH.resolve("node" + node + ".sock"), "root")
        .set("socket.readTimeoutMs", 60000)
        .noBackups(SCRATCH.resolve("lock" + node))
        .devices(loops)
        .activation("k" + node + "-", "kernel")
        .text();
  }

  /** {@code clvm args...} on {@code node} (A = 1, B = 2), through its clvmd's socket. */
  private Result run(int node, String... args) {
    CliResult r = InProcessCli.run(config(node), args);
    return new Result(String.join(" ", args), r.exit(), r.out(), r.err());
  }

  record Result(String command, int exit, String out, String err) {
    Result ok() {
      if (exit != 0) {
        throw new AssertionError(this.toString());
      }
      return this;
    }
  }

  private static DmName dmName(int node, String lv) {
    return DmName.of("k" + node + "-" + VG + "-" + lv.replace("-", "--"));
  }

  /** The LV's block device on {@code node}: {@code /dev/dm-N}. */
  private Path device(int node, String lv) throws IOException {
    int minor =
        dm.info(dmName(node, lv))
            .orElseThrow(() -> new AssertionError(dmName(node, lv) + " is not active"))
            .device()
            .minor();
    return Path.of("/dev/dm-" + minor);
  }

  private static long bytes(Path dev) throws IOException {
    String size = Files.readString(Path.of("/sys/block", dev.getFileName().toString(), "size"));
    return Long.parseLong(size.strip()) * 512;
  }

  @Test
  @Order(1)
  void aProcessWritingThroughNodeBSeesNoErrorWhileNodeAExtends() throws Exception {
    String lv = "data" + SUFFIX;
    run(1, "pvcreate", loops.get(0).toString(), loops.get(1).toString()).ok();
    run(1, "vgcreate", "--shared", VG, loops.get(0).toString(), loops.get(1).toString()).ok();
    run(1, "lvcreate", "-an", "-L", "8m", "-n", lv, VG).ok();
    run(1, "lvchange", "-asy", VG + "/" + lv).ok();
    run(2, "lvchange", "-asy", VG + "/" + lv).ok();
    Path onB = device(2, lv);
    assertEquals(8 * MIB, bytes(onB));
    try (ContinuousWriter writer =
        new ContinuousWriter(onB, "nodeB", 8 * MIB / BLOCK, 40 * MIB / BLOCK)) {
      writer.awaitMoreWrites(200);
      Result ext = run(1, "lvextend", "-L", "40m", VG + "/" + lv).ok();
      assertTrue(ext.out().contains("applied on 2/2 nodes"), ext.toString());
      assertEquals(40 * MIB, bytes(onB), "the new size on node B, at once");
      assertEquals(40 * MIB, bytes(device(1, lv)), "and on node A");
      writer.limit(40 * MIB / BLOCK);
      writer.awaitMoreWrites(2000); // into the new extents too
      writer.close();
      assertEquals(List.of(), writer.errors(), "I/O errors through node B");
    }
  }

  @Test
  @Order(2)
  void nodeBLoadsTheSmallerTableBeforeNodeACommitsAReduce() throws Exception {
    String lv = "data" + SUFFIX;
    Path onB = device(2, lv);
    try (ContinuousWriter writer =
        new ContinuousWriter(onB, "nodeB", 16 * MIB / BLOCK, 16 * MIB / BLOCK)) {
      writer.awaitMoreWrites(200);
      Result red = run(1, "lvreduce", "-y", "-L", "24m", VG + "/" + lv).ok();
      assertTrue(red.out().contains("applied on 2/2 nodes"), red.toString());
      assertEquals(24 * MIB, bytes(onB), "the smaller size on node B");
      assertEquals(24 * MIB, bytes(device(1, lv)), "and on node A");
      writer.awaitMoreWrites(1000);
      writer.close();
      assertEquals(List.of(), writer.errors(), "I/O errors through node B (below the new end)");
    }
  }

  @Test
  @Order(3)
  void nodeBFencesItsExclusiveLvWhenItLosesZooKeeperAndNodeATakesItOver() throws Exception {
    String lv = "excl" + SUFFIX;
    run(1, "lvcreate", "-an", "-L", "4m", "-n", lv, VG).ok();
    run(2, "lvchange", "-aey", VG + "/" + lv).ok();
    Result refused = run(1, "lvchange", "-aey", VG + "/" + lv);
    assertEquals(5, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("node2"), refused.toString());
    Path onB = device(2, lv);
    writeBlock(onB); // B can write while it owns the LV

    long cut = System.nanoTime();
    nodeBLink.cut();
    Await.until(
        "node B to replace its table with an error target",
        Duration.ofSeconds(30),
        () -> isErrorTarget(dmName(2, lv)));
    long fenced = System.nanoTime();
    assertThrows(IOException.class, () -> writeBlock(onB), "a write through a fenced LV fails");

    // Node A may take the LV once node B's session has expired (6 s after B was last heard).
    Await.until(
        "node A to activate the LV exclusively",
        Duration.ofSeconds(60),
        () -> run(1, "lvchange", "-aey", VG + "/" + lv).exit() == 0);
    long takenOver = System.nanoTime();
    assertTrue(isLinear(dmName(1, lv)), "node A maps the LV");
    writeBlock(device(1, lv));
    assertTrue(isErrorTarget(dmName(2, lv)), "node B stays fenced");
    System.out.printf(
        "fencing: B fenced %d ms after the cut, A took over %d ms after the cut%n",
        TimeUnit.NANOSECONDS.toMillis(fenced - cut),
        TimeUnit.NANOSECONDS.toMillis(takenOver - cut));
  }

  @Test
  @Order(4)
  void aRestartedClvmdAdoptsItsLiveDeviceAndFencesItOnceItsSessionHasExpired() throws Exception {
    nodeBLink.restore();
    String lv = "kept" + SUFFIX;
    run(1, "lvcreate", "-an", "-L", "4m", "-n", lv, VG).ok();
    run(1, "lvchange", "-aey", VG + "/" + lv).ok();
    writeBlock(device(1, lv));

    // kill -9 of node A's clvmd: the kernel keeps its devices, ZooKeeper its session for a while.
    CuratorFramework old = daemons.get(0).abandonSession();
    daemons.set(0, Daemon.start(DaemonConfig.load(config(1)), new CliDaemonBackend()));
    assertTrue(isLinear(dmName(1, lv)), "adopted, not fenced");
    writeBlock(device(1, lv));
    old.close(); // the killed process's session ends; the activation is the new one's
    Await.until(
        "node B to answer, refused the LV node A adopted",
        Duration.ofSeconds(60),
        () -> {
          Result r = run(2, "lvchange", "-aey", VG + "/" + lv);
          return r.exit() == 5 && r.err().contains("node1");
        });
    writeBlock(device(1, lv));

    // Killed again, and its session gone before clvmd starts again: another node may own the LV.
    daemons.get(0).abandonSession().close();
    daemons.set(0, Daemon.start(DaemonConfig.load(config(1)), new CliDaemonBackend()));
    assertTrue(isErrorTarget(dmName(1, lv)), "fenced at start");
    assertThrows(IOException.class, () -> writeBlock(device(1, lv)), "writes fail");
    run(2, "lvchange", "-aey", VG + "/" + lv).ok();
    writeBlock(device(2, lv));
    run(1, "lvchange", "-an", VG + "/" + lv).ok();
    assertTrue(table(dmName(1, lv)).isEmpty(), "node A's fenced device removed");
    run(2, "lvchange", "-an", VG + "/" + lv).ok();
  }

  private boolean isErrorTarget(DmName name) {
    Optional<Table> t = table(name);
    return t.isPresent()
        && t.get().lines().size() == 1
        && t.get().lines().get(0).target() instanceof ErrorTarget;
  }

  private boolean isLinear(DmName name) {
    Optional<Table> t = table(name);
    return t.isPresent() && !(t.get().lines().get(0).target() instanceof ErrorTarget);
  }

  private Optional<Table> table(DmName name) {
    try {
      return dm.info(name).isPresent()
          ? dm.table(name, DeviceMapper.TableSlot.LIVE)
          : Optional.empty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void writeBlock(Path dev) throws IOException {
    ByteBuffer b = DirectIo.aligned(BLOCK);
    try (FileChannel ch = DirectIo.open(dev, true)) {
      DirectIo.writeFully(ch, b, 0);
    }
  }

  /** Removes every {@code k<N>-*-clvmtest} dm device and the loop devices over our images. */
  private void cleanup() throws IOException {
    for (int round = 0; round < 5; round++) {
      boolean left = false;
      for (DeviceEntry e : dm.listDevices()) {
        String n = e.name().value();
        if (n.matches("k\\d+-.*" + SUFFIX)) {
          try {
            dm.remove(e.name());
          } catch (IOException busy) {
            left = true;
          }
        }
      }
      if (!left) {
        break;
      }
    }
    try (var entries = Files.list(Path.of("/sys/block"))) {
      for (Path b : (Iterable<Path>) entries::iterator) {
        Path backing = b.resolve("loop/backing_file");
        if (!Files.exists(backing)) {
          continue;
        }
        String file = Files.readString(backing).strip();
        if (file.startsWith(IMAGES.toString()) && file.endsWith(SUFFIX + ".img")) {
          run("losetup", "-d", "/dev/" + b.getFileName());
          Files.deleteIfExists(Path.of(file));
        }
      }
    }
  }

  private static String run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
