package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.NewVg;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.engine.ScanCache;
import io.clvm.format.alloc.LvOperations;
import io.clvm.format.alloc.SizeSpec;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report cache's effect (BENCHMARKS.md): {@code lvs} through clvmd on a VG of 1,000 LVs, with
 * the daemon's scan cache emptied before each run (every report reads and parses every metadata
 * text, as before the cache) and with it (validated by the metadata area headers only). The client
 * is the CLI's {@code Main.run} in this JVM, so the figures are the daemon's round trip plus the
 * report's formatting, without a JVM start. Not part of the build (no {@code Test} suffix):
 *
 * <pre>
 * mvn -B -ntp -pl tests -am verify -Dtest=ReportCacheBench -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true
 * </pre>
 */
class ReportCacheBench {
  private static final int LVS = Integer.getInteger("clvm.bench.lvs", 1000);
  private static final int RUNS = Integer.getInteger("clvm.bench.runs", 15);

  @TempDir Path dir;

  @Test
  void lvsWithAndWithoutTheCache() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir, 1L << 30)) {
      List<String> pvcreate = new ArrayList<>(List.of("pvcreate", "--metadatasize", "4m"));
      cluster.pvs().forEach(p -> pvcreate.add(p.toString()));
      cluster.ok(1, pvcreate.toArray(new String[0]));
      List<String> vgcreate = new ArrayList<>(List.of("vgcreate", "--shared", "-s", "1m", "vg"));
      cluster.pvs().forEach(p -> vgcreate.add(p.toString()));
      cluster.ok(1, vgcreate.toArray(new String[0]));
      fill(cluster);
      String out = cluster.ok(2, "lvs", "--noheadings", "-o", "lv_name", "vg").out();
      assertEquals(LVS, out.lines().count());

      ScanCache cache = cluster.backend(2).reportCache();
      List<Long> cold = new ArrayList<>();
      List<Long> warm = new ArrayList<>();
      for (int i = 0; i < RUNS + 5; i++) { // the first 5 of each warm the JIT up
        cache.clear();
        long a = lvs(cluster);
        long b = lvs(cluster);
        if (i >= 5) {
          cold.add(a);
          warm.add(b);
        }
      }
      String result =
          String.format(
              "lvs through clvmd, VG of %d LVs, %d runs: without cache median %.1f ms (%.1f-%.1f),"
                  + " with cache median %.1f ms (%.1f-%.1f); cache hits %d, misses %d%n",
              LVS,
              RUNS,
              median(cold),
              min(cold),
              max(cold),
              median(warm),
              min(warm),
              max(warm),
              cache.hits(),
              cache.misses());
      System.out.print(result);
      Files.writeString(Path.of("target", "report-cache-bench.txt"), result);
    }
  }

  /** One commit that adds {@link #LVS} linear LVs of one extent. */
  private static void fill(InProcessCluster cluster) throws Exception {
    var node = cluster.daemon(1).cluster();
    VgStateStore store = new VgStateStore(node.client(), node.layout());
    String uuid = store.vgUuids().get(0);
    node.protocol()
        .commit(
            uuid,
            "bench: " + LVS + " LVs",
            (CommittedVg current, long seqno) -> {
              VolumeGroup vg = MetadataText.parse(current.text()).vg();
              for (int i = 0; i < LVS; i++) {
                vg =
                    LvOperations.create(
                            vg, LvOperations.CreateRequest.linear("lv" + i, SizeSpec.extents(1)))
                        .vg();
              }
              String text =
                  MetadataText.printOnDisk(
                      new VgMetadata(
                          vg.withSeqno(seqno), MetadataHeader.now("Write from bench.", null)));
              return new NewVg(text, Set.of());
            });
  }

  private static long lvs(InProcessCluster cluster) {
    long start = System.nanoTime();
    cluster.ok(2, "lvs", "vg");
    return System.nanoTime() - start;
  }

  private static double median(List<Long> ns) {
    List<Long> s = ns.stream().sorted().toList();
    return s.get(s.size() / 2) / 1e6;
  }

  private static double min(List<Long> ns) {
    return ns.stream().mapToLong(Long::longValue).min().orElse(0) / 1e6;
  }

  private static double max(List<Long> ns) {
    return ns.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6;
  }
}
