package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.VgRead;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * issue 6's multi-process test: three clvmd JVMs on one VG of three shared PV files. Concurrent
 * lvcreate/lvextend from all nodes are each acknowledged or refused with a clear error, and the
 * final metadata has every acknowledged change, no extent used twice, and passes lvm2's vgck; an
 * extend on node 1 is applied on nodes 2 and 3; an exclusive activation conflict is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMultiProcessTest {
  private static final int THREADS_PER_NODE = 2;
  private static final int LVS_PER_THREAD = 4;

  private ThreeNodeCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new ThreeNodeCluster(128L << 20);
    List<String> pvs = cluster.pvs.stream().map(Path::toString).toList();
    List<String> args = new ArrayList<>(List.of("pvcreate"));
    args.addAll(pvs);
    cluster.ok(1, args.toArray(new String[0]));
    args = new ArrayList<>(List.of("vgcreate", "--shared", "vg"));
    args.addAll(pvs);
    cluster.ok(1, args.toArray(new String[0]));
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The VG as the disks have it now. */
  private VolumeGroup onDisk() throws Exception {
    List<FileDevice> devs = new ArrayList<>();
    try {
      for (Path p : cluster.pvs) {
        devs.add(FileDevice.openReadOnly(p));
      }
      VgRead read = MetadataStore.read(devs, "vg");
      assertTrue(read.consistent(), "metadata areas disagree: " + read.problems());
      return MetadataText.parse(new String(read.text(), StandardCharsets.UTF_8)).vg();
    } finally {
      for (FileDevice d : devs) {
        d.close();
      }
    }
  }

  @Test
  @Order(1)
  void concurrentCreatesAndExtendsFromAllNodes() throws Exception {
    Map<String, Integer> expectedExtents = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    List<String> unclear = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(ThreeNodeCluster.NODES * THREADS_PER_NODE);
    List<Future<?>> work = new ArrayList<>();
    for (int node = 1; node <= ThreeNodeCluster.NODES; node++) {
      for (int t = 0; t < THREADS_PER_NODE; t++) {
        int n = node;
        int thread = t;
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < LVS_PER_THREAD; i++) {
                    String lv = "n" + n + "t" + thread + "lv" + i;
                    CliResult c = cluster.run(n, "lvcreate", "-an", "-l", "1", "-n", lv, "vg");
                    if (!c.ok()) {
                      check(c, unclear, refused);
                      continue;
                    }
                    expectedExtents.put(lv, 1);
                    // extended through the next node: allocation there, against the committed VG
                    int other = n % ThreeNodeCluster.NODES + 1;
                    CliResult e = cluster.run(other, "lvextend", "-l", "+1", "vg/" + lv);
                    if (e.ok()) {
                      expectedExtents.put(lv, 2);
                    } else {
                      check(e, unclear, refused);
                    }
                  }
                  return null;
                }));
      }
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    assertTrue(unclear.isEmpty(), "refusals without a clear error: " + unclear);

    VolumeGroup vg = onDisk();
    Map<String, Long> actual = new TreeMap<>();
    for (LogicalVolume lv : vg.lvs()) {
      actual.put(lv.name(), lv.extentCount());
    }
    // No lost commits, nothing that was not acknowledged.
    Map<String, Long> expected = new TreeMap<>();
    expectedExtents.forEach((k, v) -> expected.put(k, v.longValue()));
    assertEquals(expected, actual, "LVs on disk vs acknowledged changes (" + refused + " refused)");
    assertTrue(
        expected.size()
            >= ThreeNodeCluster.NODES * THREADS_PER_NODE * LVS_PER_THREAD - refused.get(),
        "acknowledged creates");
    assertNoOverlaps(vg);
  }

  private static void check(CliResult r, List<String> unclear, AtomicInteger refused) {
    refused.incrementAndGet();
    if (r.exit() != 5 || r.err().isBlank()) {
      unclear.add(r.toString());
    }
  }

  private static boolean logContains(Path log, String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every PV extent is used at most once and lies inside its PV. */
  static void assertNoOverlaps(VolumeGroup vg) {
    Map<String, long[]> owner = new TreeMap<>();
    for (PhysicalVolume pv : vg.pvs()) {
      owner.put(pv.id().raw(), new long[(int) pv.peCount()]);
    }
    int lvIndex = 0;
    for (LogicalVolume lv : vg.lvs()) {
      lvIndex++;
      for (Segment s : lv.segments()) {
        StripedSegment seg = (StripedSegment) s;
        for (Stripe st : seg.stripes()) {
          long[] used = owner.get(st.pv().raw());
          for (long pe = st.startExtent(); pe < st.startExtent() + seg.areaLength(); pe++) {
            assertTrue(pe < used.length, lv.name() + " maps extent " + pe + " beyond its PV");
            assertEquals(0, used[(int) pe], lv.name() + " shares extent " + pe + " of a PV");
            used[(int) pe] = lvIndex;
          }
        }
      }
    }
  }

  @Test
  @Order(2)
  void extendOnNode1IsAppliedOnNodes2And3() throws Exception {
    cluster.ok(1, "lvcreate", "-an", "-l", "2", "-n", "shared", "vg");
    for (int n = 1; n <= 3; n++) {
      cluster.ok(n, "lvchange", "-asy", "vg/shared");
    }
    CliResult r = cluster.ok(1, "lvextend", "-l", "+3", "vg/shared");
    assertTrue(r.out().contains("applied on 3/3 nodes"), r.toString());

    // Every node recorded the new seqno as applied (its table reloaded), seen from node 2.
    long seqno = onDisk().seqno();
    JsonNode status =
        new ObjectMapper()
            .readTree(cluster.ok(2, "cluster", "status", "--reportformat", "json").out());
    JsonNode vg = status.path("cluster").path("vgs").get(0);
    assertEquals(seqno, vg.path("seqno").asLong(), status.toPrettyString());
    for (String node : List.of("node1", "node2", "node3")) {
      assertEquals(seqno, vg.path("applied").path(node).asLong(), node + ": " + status);
    }
    List<String> active = new ArrayList<>();
    vg.path("active")
        .forEach(a -> active.add(a.path("lv_name").asText() + "@" + a.path("node").asText()));
    assertTrue(
        active.containsAll(List.of("vg/shared@node1", "vg/shared@node2", "vg/shared@node3")),
        active.toString());
    // The committing node (only) archived the replaced version and backed up the new one.
    String backup = Files.readString(cluster.backupDir(1).resolve("vg"));
    assertTrue(backup.contains("seqno = " + seqno + "\n"), backup);
    assertTrue(
        backup.contains("Created *after* executing '") && backup.contains("lvextend"), backup);
    boolean archived;
    try (var files = Files.list(cluster.archiveDir(1))) {
      archived =
          files.anyMatch(
              f -> {
                try {
                  return f.getFileName().toString().matches("vg_\\d{5}-\\d+\\.vg")
                      && Files.readString(f).contains("seqno = " + (seqno - 1) + "\n");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
    assertTrue(archived, "archive of seqno " + (seqno - 1) + " on node1");
    Path other = cluster.backupDir(2).resolve("vg");
    assertTrue(
        !Files.exists(other) || !Files.readString(other).contains("seqno = " + seqno + "\n"),
        "node2 made no commit at seqno " + seqno);
    // A reduce of an LV active everywhere: every node loads the smaller table, then the commit.
    CliResult reduce = cluster.ok(1, "lvreduce", "-y", "-l", "-1", "vg/shared");
    assertTrue(reduce.out().contains("applied on 3/3 nodes"), reduce.toString());
    assertEquals(4, onDisk().lv("shared").orElseThrow().extentCount());
    // ... but it cannot be removed behind the other nodes' backs.
    CliResult remove = cluster.run(1, "lvremove", "-y", "vg/shared");
    assertEquals(5, remove.exit(), remove.toString());
    assertTrue(remove.err().contains("active on node(s)"), remove.toString());
  }

  /**
   * The committer of a reduce dies (kill -9 at the fail point) after the other nodes loaded the
   * smaller table and before the commit: its intent vanishes with its session, the nodes load the
   * committed (old) table again, nothing was committed, and the next reduce goes through.
   */
  @Test
  @Order(6)
  void reduceCommitterCrashBetweenReloadAndCommitIsRepaired() throws Exception {
    cluster.ok(2, "lvcreate", "-an", "-l", "4", "-n", "crash", "vg");
    for (int n = 1; n <= 3; n++) {
      cluster.ok(n, "lvchange", "-asy", "vg/crash");
    }
    cluster.restart(1, "testing.failAt = \"REDUCE_RELOADED\"", "testing.failMode = \"halt\"");
    cluster.ok(1, "lvchange", "-asy", "vg/crash"); // its activation went with the old session
    CliResult r = cluster.run(1, "lvreduce", "-y", "-l", "2", "vg/crash");
    assertEquals(5, r.exit(), r.toString());
    assertEquals(137, cluster.awaitExit(1, Duration.ofSeconds(30)));
    for (int n = 2; n <= 3; n++) {
      Path log = cluster.log(n);
      Await.until(
          "node" + n + " reloads the committed table once node1's session expired",
          Duration.ofSeconds(60),
          () -> logContains(log, "withdrawn uncommitted"));
    }
    assertEquals(4, onDisk().lv("crash").orElseThrow().extentCount());
    cluster.restart(1);
    CliResult again = cluster.ok(2, "lvreduce", "-y", "-l", "2", "vg/crash");
    assertTrue(again.out().contains("applied on 2/2 nodes"), again.toString());
    assertEquals(2, onDisk().lv("crash").orElseThrow().extentCount());
  }

  /**
   * A clvmd killed and started again takes over its node's registration while the killed process's
   * session, and the activations it holds, live on until ZooKeeper expires it. cluster status says
   * so; then the session goes, the registration is the new process's and the LV can be activated
   * again.
   */
  @Test
  @Order(7)
  void restartedClvmdShowsItsPreviousSessionUntilItExpires() throws Exception {
    // 30 s sessions for the process to be killed: its session certainly outlives the restart.
    cluster.restartWithSessionTimeout(3, 30000);
    cluster.ok(1, "lvcreate", "-an", "-l", "1", "-n", "ghost", "vg");
    cluster.ok(3, "lvchange", "-asy", "vg/ghost");
    JsonNode before = status(3);
    String old = before.path("session").asText();
    assertEquals(old, before.path("registration_session").asText(), before.toString());
    assertTrue(old.matches("0x[0-9a-f]+") && !old.equals("0x0"), old);

    cluster.killAndStart(3);
    JsonNode after = status(3);
    assertNotEquals(old, after.path("session").asText(), after.toString());
    assertEquals(old, after.path("registration_session").asText(), after.toString());
    assertEquals(List.of("node3"), activeOn(after, "vg/ghost"), "the old session's activation");
    assertFalse(
        after.path("devices_here").toString().contains("ghost"),
        "no device in the new process: " + after);
    CliResult text = cluster.ok(3, "cluster", "status");
    assertTrue(
        text.out().contains("nodes/node3 is still held by session " + old),
        "the text says so too: " + text);

    Await.until(
        "the killed clvmd's session expires and node3's registration is the new process's",
        Duration.ofSeconds(90),
        () -> {
          JsonNode st = status(3);
          return st.path("registration_session").asText().equals(st.path("session").asText())
              && activeOn(st, "vg/ghost").isEmpty();
        });
    assertFalse(cluster.ok(3, "cluster", "status").out().contains("still held"));
    cluster.ok(3, "lvchange", "-asy", "vg/ghost");
    assertTrue(status(3).path("devices_here").toString().contains("ghost"));
    cluster.ok(3, "lvchange", "-an", "vg/ghost");
  }

  private JsonNode status(int node) {
    CliResult r = cluster.ok(node, "cluster", "status", "--reportformat", "json");
    try {
      return new ObjectMapper().readTree(r.out()).path("cluster");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(r.toString(), e);
    }
  }

  /** The nodes {@code cluster status} shows {@code lv} (vg/lv) active on. */
  private static List<String> activeOn(JsonNode status, String lv) {
    List<String> on = new ArrayList<>();
    for (JsonNode vg : status.path("vgs")) {
      for (JsonNode a : vg.path("active")) {
        if (a.path("lv_name").asText().equals(lv)) {
          on.add(a.path("node").asText());
        }
      }
    }
    return on;
  }

  @Test
  @Order(3)
  void exclusiveActivationConflictIsRefused() {
    cluster.ok(1, "lvcreate", "-an", "-l", "1", "-n", "excl", "vg");
    cluster.ok(2, "lvchange", "-aey", "vg/excl");
    CliResult ex = cluster.run(3, "lvchange", "-aey", "vg/excl");
    assertEquals(5, ex.exit(), ex.toString());
    assertTrue(ex.err().contains("node2"), "names the node that has it: " + ex);
    CliResult sh = cluster.run(1, "lvchange", "-asy", "vg/excl");
    assertEquals(5, sh.exit(), sh.toString());
    // Released on node 2, node 3 may take it.
    cluster.ok(2, "lvchange", "-an", "vg/excl");
    cluster.ok(3, "lvchange", "-aey", "vg/excl");
  }

  @Test
  @Order(4)
  void remoteActivationOnOneNodeAndOnAllNodes() throws Exception {
    cluster.ok(1, "lvcreate", "-an", "-l", "1", "-n", "remote", "vg");
    CliResult r = cluster.ok(1, "lvchange", "-ay", "--node", "node3", "vg/remote");
    assertTrue(r.out().contains("done on node node3"), r.toString());
    CliResult ex = cluster.run(2, "lvchange", "-aey", "vg/remote");
    assertEquals(5, ex.exit(), "-ay is exclusive (lvmlockd's rule): " + ex);
    assertTrue(ex.err().contains("node3"), ex.toString());
    cluster.ok(2, "lvchange", "-an", "--node", "node3", "vg/remote");
    r = cluster.ok(2, "lvchange", "-asy", "--all-nodes", "vg/remote");
    for (String node : List.of("node1", "node2", "node3")) {
      assertTrue(r.out().contains("done on node " + node), r.toString());
    }
    JsonNode vg =
        new ObjectMapper()
            .readTree(cluster.ok(3, "cluster", "status", "--reportformat", "json").out())
            .path("cluster")
            .path("vgs")
            .get(0);
    long sharedOn = 0;
    for (JsonNode a : vg.path("active")) {
      if (a.path("lv_name").asText().equals("vg/remote") && a.path("mode").asText().equals("sh")) {
        sharedOn++;
      }
    }
    assertEquals(3, sharedOn, vg.toPrettyString());
    CliResult unknown = cluster.run(1, "lvchange", "-an", "--node", "node9", "vg/remote");
    assertEquals(5, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("not in the cluster"), unknown.toString());
  }

  @Test
  @Order(5)
  void unreachableDaemonFailsClearlyWithoutFallback() throws Exception {
    Path conf = cluster.dir.resolve("nowhere.conf");
    java.nio.file.Files.writeString(
        conf,
        "global.locking_mode = \"cluster\"\nsocket.path = \""
            + cluster.dir.resolve("none.sock")
            + "\"\n");
    CliResult r = io.clvm.it.harness.InProcessCli.run(conf, "lvs");
    assertEquals(5, r.exit(), r.toString());
    assertTrue(r.err().contains("clvmd"), r.toString());
  }

  /**
   * vgrename and vgcfgrestore in cluster mode go through the commit protocol (they used to write
   * the disks directly, behind the copy of record); a rename is refused while an LV is active on
   * another node, whose device names carry the VG's name.
   */
  @Test
  @Order(8)
  void vgrenameAndVgcfgrestoreCommitThroughTheCluster() throws Exception {
    for (int n = 1; n <= 3; n++) {
      cluster.ok(n, "vgchange", "-an", "vg");
    }
    String lv = onDisk().lvs().get(0).name();
    cluster.ok(2, "lvchange", "-asy", "vg/" + lv);
    CliResult refused = cluster.run(1, "vgrename", "vg", "vgr");
    assertEquals(5, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("is active on node(s) node2"), refused.toString());
    cluster.ok(2, "lvchange", "-an", "vg/" + lv);

    long before = onDisk().seqno();
    CliResult renamed = cluster.ok(1, "vgrename", "vg", "vgr");
    assertTrue(renamed.out().contains("successfully renamed to \"vgr\""), renamed.toString());
    assertTrue(
        cluster.ok(3, "vgs", "--noheadings", "-o", "vg_name").out().contains("vgr"),
        "node3 sees the new name");
    cluster.ok(3, "lvcreate", "-an", "-l", "1", "-n", "afterrename", "vgr");
    cluster.ok(2, "vgrename", "vgr", "vg");
    VolumeGroup back = onDisk();
    assertEquals(before + 3, back.seqno(), "rename, lvcreate, rename: one commit each");
    assertTrue(back.lv("afterrename").isPresent());

    Path backup = cluster.dir.resolve("vg-before-remove.vg");
    cluster.ok(1, "vgcfgbackup", "-f", backup.toString(), "vg");
    cluster.ok(1, "lvremove", "-y", "vg/afterrename");
    assertTrue(onDisk().lv("afterrename").isEmpty());
    CliResult restored = cluster.ok(3, "vgcfgrestore", "-f", backup.toString(), "vg");
    assertTrue(restored.out().contains("Restored volume group vg"), restored.toString());
    VolumeGroup now = onDisk();
    assertEquals(before + 5, now.seqno(), "the restore is a new commit above the cluster's");
    assertTrue(now.lv("afterrename").isPresent());
    assertTrue(
        cluster.ok(2, "lvs", "--noheadings", "-o", "lv_name", "vg").out().contains("afterrename"),
        "node2 sees the restored LV");
  }

  @Test
  @Order(9)
  @RequiresLvm2
  void finalMetadataPassesLvm2Vgck() throws Exception {
    VolumeGroup vg = onDisk();
    assertFalse(vg.lvs().isEmpty());
    // vgck refuses a dlm VG without lvmlockd: on copies, let lvm2 itself take the VG out of
    // cluster management (it parses and rewrites our metadata), then check it with vgck.
    List<Path> copies = new ArrayList<>();
    for (Path pv : cluster.pvs) {
      Path copy =
          pv.resolveSibling(pv.getFileName().toString().replace("-clvmtest", "-copy-clvmtest"));
      java.nio.file.Files.copy(pv, copy);
      copies.add(copy);
    }
    // (the originals are deleted when detached.) lvm2 reads the cluster-managed VG with --shared
    // (and refuses to change it).
    try (Attached originals = attach(cluster.pvs)) {
      try (Lvm2Oracle lvm = Lvm2Oracle.forDevices(originals.devices())) {
        Lvm2Oracle.Result lvs =
            lvm.run(
                "lvs", "--shared", "--noheadings", "-o", "lv_name,lv_size", "--units", "s", "vg");
        assertTrue(lvs.ok(), lvs.toString());
        assertEquals(vg.lvs().size(), lvs.stdout().strip().split("\n").length, lvs.toString());
        Lvm2Oracle.Result create = lvm.run("lvcreate", "-an", "-l", "1", "-n", "intruder", "vg");
        assertEquals(5, create.exitCode(), "plain lvm2 must not change it: " + create);
      }
    }
    try (Attached attached = attach(copies);
        Lvm2Oracle lvm = Lvm2Oracle.forDevices(attached.devices())) {
      Lvm2Oracle.Result unlock =
          lvm.run("vgchange", "--lock-type", "none", "--lock-opt", "force", "-y", "vg");
      assertTrue(unlock.ok(), unlock.toString());
      Lvm2Oracle.Result vgck = lvm.run("vgck", "vg");
      assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    }
  }

  /** Loop devices over image files; detached (and the files deleted) on close. */
  private record Attached(List<TestLoopDevice> loops) implements AutoCloseable {
    List<Path> devices() {
      return loops.stream().map(TestLoopDevice::device).toList();
    }

    @Override
    public void close() {
      loops.forEach(TestLoopDevice::close);
    }
  }

  private static Attached attach(List<Path> images) {
    List<TestLoopDevice> loops = new ArrayList<>();
    for (Path p : images) {
      loops.add(TestLoopDevice.attach(p, 512));
    }
    return new Attached(loops);
  }
}
