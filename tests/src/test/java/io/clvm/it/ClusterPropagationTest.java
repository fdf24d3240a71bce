package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.Json;
import io.clvm.cluster.propagate.AppliedRecord;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Propagation and command handling inside three clvmd of this JVM: a node fetches the copy of
 * record only where it has an LV of the VG active, yet every node records each seqno; and a
 * daemon's reused command parsers carry nothing from one command to the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPropagationTest {
  /** lvm2's default extent: 4 MiB = 8192 sectors. */
  private static final long EXTENT = 8192;

  @TempDir static Path dir;

  private InProcessCluster cluster;
  private String vgUuid;

  @BeforeAll
  void start() throws Exception {
    cluster = new InProcessCluster(dir, 64L << 20);
    List<String> args = new ArrayList<>(List.of("pvcreate"));
    cluster.pvs().forEach(p -> args.add(p.toString()));
    cluster.ok(1, args.toArray(new String[0]));
    List<String> vg = new ArrayList<>(List.of("vgcreate", "--shared", "vg"));
    cluster.pvs().forEach(p -> vg.add(p.toString()));
    cluster.ok(1, vg.toArray(new String[0]));
    cluster.ok(1, "lvcreate", "-an", "-Zn", "-l", "1", "-n", "data", "vg");
    vgUuid = cluster.ok(1, "vgs", "--noheadings", "-o", "vg_uuid", "vg").out().strip();
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private boolean needsText(int node) {
    return cluster.backend(node).applyCallback().needsText(vgUuid);
  }

  private long appliedOn(int node) {
    ClusterNode c = cluster.backend(1).cluster();
    String path = c.layout().appliedNode(vgUuid, "node" + node);
    try {
      return Json.read(c.client().getData().forPath(path), AppliedRecord.class).seqno();
    } catch (Exception e) {
      return -1; // not recorded yet
    }
  }

  private long committed() throws Exception {
    ClusterNode c = cluster.backend(1).cluster();
    return Json.read(
            c.client().getData().forPath(c.layout().vgState(vgUuid)),
            io.clvm.cluster.commit.VgState.class)
        .seqno();
  }

  @Test
  @Order(1)
  void onlyANodeWithAnLvActiveFetchesTheTextButEveryNodeRecordsTheSeqno() throws Exception {
    for (int n = 1; n <= InProcessCluster.NODES; n++) {
      assertFalse(needsText(n), "nothing active on node" + n);
    }
    cluster.ok(2, "lvchange", "-asy", "vg/data");
    assertTrue(needsText(2));
    assertFalse(needsText(1));
    assertFalse(needsText(3));

    CliResult r = cluster.ok(1, "lvextend", "-l", "+1", "vg/data");
    assertTrue(r.out().contains("applied on 1/1 nodes"), r.toString());
    assertEquals(2 * EXTENT, cluster.liveSectors(2, "vg", "data"), "node2 reloaded");
    long seqno = committed();
    for (int n = 1; n <= InProcessCluster.NODES; n++) {
      int node = n;
      Await.until(
          "node" + n + " recorded seqno " + seqno,
          Duration.ofSeconds(30),
          () -> appliedOn(node) == seqno);
    }
    cluster.ok(2, "lvchange", "-an", "vg/data");
    assertFalse(needsText(2), "deactivated");
  }

  /** Two commands in a row on one daemon: the second one does not get the first one's options. */
  @Test
  @Order(2)
  void aCommandDoesNotInheritThePreviousCommandsOptions() throws Exception {
    cluster.ok(1, "lvcreate", "-an", "-Zn", "-l", "1", "-n", "t1", "--addtag", "leak", "vg");
    cluster.ok(1, "lvcreate", "-an", "-Zn", "-l", "2", "-n", "t2", "vg");
    String t1 = cluster.ok(1, "lvs", "--noheadings", "-o", "lv_tags,lv_size", "vg/t1").out();
    String t2 = cluster.ok(1, "lvs", "--noheadings", "-o", "lv_tags,lv_size", "vg/t2").out();
    assertTrue(t1.contains("leak"), t1);
    assertFalse(t2.contains("leak"), t2);
    assertTrue(t2.contains("8.00m"), t2);
  }
}
