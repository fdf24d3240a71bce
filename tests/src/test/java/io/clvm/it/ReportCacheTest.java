package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.engine.ScanCache;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * clvmd's report cache across nodes: repeated reports on an unchanged VG are served from the kept
 * scan, and a change committed by another node is in the very next report (no stale read).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportCacheTest {
  @TempDir static Path dir;

  private InProcessCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new InProcessCluster(dir, 64L << 20);
    cluster.sharedVg("vg");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private List<String> lvs(int node) {
    String out = cluster.ok(node, "lvs", "--noheadings", "-o", "lv_name,lv_size", "vg").out();
    return out.lines()
        .map(l -> l.strip().replaceAll("\\s+", " "))
        .filter(l -> !l.isEmpty())
        .toList();
  }

  @Test
  void aChangeByAnotherNodeIsInTheNextReport() {
    ScanCache cache = cluster.backend(2).reportCache();
    cluster.ok(1, "lvcreate", "-an", "-l", "1", "-n", "one", "vg");
    assertEquals(List.of("one 4.00m"), lvs(2));
    long hits = cache.hits();
    long misses = cache.misses();
    assertEquals(List.of("one 4.00m"), lvs(2));
    assertEquals("1", cluster.ok(2, "vgs", "--noheadings", "-o", "lv_count", "vg").out().strip());
    assertEquals(hits + 2, cache.hits(), "unchanged disks: no rescan");
    assertEquals(misses, cache.misses());

    cluster.ok(3, "lvcreate", "-an", "-l", "2", "-n", "two", "vg");
    assertEquals(List.of("one 4.00m", "two 8.00m"), lvs(2), "node3's commit seen by node2");
    cluster.ok(1, "lvextend", "-l", "+1", "vg/one");
    assertEquals(List.of("one 8.00m", "two 8.00m"), lvs(2), "node1's extend seen by node2");
    assertTrue(cache.misses() >= misses + 2, "each change rescanned");
    assertEquals(List.of("one 8.00m", "two 8.00m"), lvs(3));
  }
}
