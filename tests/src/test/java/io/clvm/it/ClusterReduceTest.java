package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.Errno;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * lvreduce in cluster mode, "reload everywhere first, then commit", seen inside three clvmd nodes
 * (in-memory device-mapper): every node with the LV active maps the smaller size before the
 * metadata says so; a node whose reload fails, or that does not answer in time, makes the command
 * fail naming it, with nothing committed and the old size back everywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReduceTest {
  /** lvm2's default extent: 4 MiB = 8192 sectors. */
  private static final long EXTENT = 8192;

  @TempDir static Path dir;

  private InProcessCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new InProcessCluster(dir, 64L << 20, "propagation.timeoutMs = 3000");
    cluster.sharedVg("vg");
    cluster.ok(1, "lvcreate", "-an", "-l", "8", "-n", "data", "vg");
    for (int n = 1; n <= InProcessCluster.NODES; n++) {
      cluster.ok(n, "lvchange", "-asy", "vg/data");
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private long extentsOnDisk() throws Exception {
    return cluster.onDisk("vg").lv("data").orElseThrow().extentCount();
  }

  private void assertEveryNodeMaps(long extents) throws Exception {
    for (int n = 1; n <= InProcessCluster.NODES; n++) {
      assertEquals(
          extents * EXTENT, cluster.liveSectors(n, "vg", "data"), "live table on node" + n);
    }
  }

  @Test
  @Order(1)
  void reduceIsLoadedOnEveryNodeThenCommitted() throws Exception {
    assertEveryNodeMaps(8);
    CliResult r = cluster.ok(1, "lvreduce", "-y", "-l", "6", "vg/data");
    assertTrue(r.out().contains("applied on 3/3 nodes"), r.toString());
    assertEveryNodeMaps(6);
    assertEquals(6, extentsOnDisk());
    // lvresize down from another node takes the same path.
    r = cluster.ok(2, "lvresize", "-y", "-l", "5", "vg/data");
    assertTrue(r.out().contains("applied on 3/3 nodes"), r.toString());
    assertEveryNodeMaps(5);
    assertEquals(5, extentsOnDisk());
  }

  @Test
  @Order(2)
  void aNodeWhoseReloadFailsIsNamedAndNothingIsCommitted() throws Exception {
    cluster.deviceMapper(3).failNext(InMemoryDeviceMapper.Operation.LOAD, Errno.EBUSY);
    CliResult r = cluster.run(2, "lvreduce", "-y", "-l", "3", "vg/data");
    assertEquals(5, r.exit(), r.toString());
    assertTrue(r.err().contains("node3 (failed: "), r.toString());
    assertTrue(r.err().contains("Nothing was committed"), r.toString());
    assertEquals(5, extentsOnDisk());
    // node2 reduced its own table first and node1 followed the intent: both are back at 5.
    Await.until(
        "every node back at 5 extents",
        Duration.ofSeconds(30),
        () -> {
          for (int n = 1; n <= InProcessCluster.NODES; n++) {
            if (cluster.liveSectors(n, "vg", "data") != 5 * EXTENT) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  @Order(3)
  void aNodeThatDoesNotAnswerInTimeIsNamedAndRestoresLater() throws Exception {
    CliResult r;
    // node3's device-mapper is busy (its table lock held) for longer than the 3 s round.
    synchronized (cluster.tables(3)) {
      r = cluster.run(1, "lvreduce", "-y", "-l", "4", "vg/data");
      assertEquals(5 * EXTENT, cluster.liveSectors(2, "vg", "data"), "node2 restored at once");
    }
    assertEquals(5, r.exit(), r.toString());
    assertTrue(r.err().contains("node3 (no answer within 3000 ms)"), r.toString());
    assertEquals(5, extentsOnDisk());
    Await.until(
        "node3 back at the committed 5 extents",
        Duration.ofSeconds(30),
        () -> cluster.liveSectors(3, "vg", "data") == 5 * EXTENT);
    // And the next reduce goes through.
    r = cluster.ok(3, "lvreduce", "-y", "-l", "4", "vg/data");
    assertTrue(r.out().contains("applied on 3/3 nodes"), r.toString());
    assertEveryNodeMaps(4);
  }
}
