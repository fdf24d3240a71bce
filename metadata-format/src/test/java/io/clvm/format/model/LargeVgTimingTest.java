package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.format.alloc.ExtentMap;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Print and parse of VGs with 1,000 and 10,000 LVs, timed and printed (not asserted: the machine is
 * shared). The JMH benchmarks in the tests module measure this properly.
 */
class LargeVgTimingTest {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  static VgMetadata bigVg(int lvCount) {
    Random r = new Random(42);
    List<PhysicalVolume> pvs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pvs.add(PhysicalVolume.of(LvmUuid.random(r), "/dev/loop" + i, 1L << 36, 2048, 1 << 20));
    }
    List<LogicalVolume> lvs = new ArrayList<>(lvCount);
    for (int i = 0; i < lvCount; i++) {
      PhysicalVolume pv = pvs.get(i % 4);
      lvs.add(
          LogicalVolume.create(
              "lv" + i,
              LvmUuid.random(r),
              1795772415L + i,
              "vm",
              List.of(StripedSegment.linear(0, 2, pv.id(), (i / 4) * 2L))));
    }
    VolumeGroup vg =
        VolumeGroup.builder("vgbig", LvmUuid.random(r)).seqno(7).pvs(pvs).lvs(lvs).build();
    return new VgMetadata(
        vg, new MetadataHeader("Write from bench.", "vm", null, 1795772415L, null, "Linux vm"));
  }

  @Test
  void printAndParseTimes() throws Exception {
    for (int n : new int[] {10_000, 1_000}) {
      VgMetadata m = bigVg(n);
      MetadataPrinter p = MetadataPrinter.onDisk().withZone(ZoneOffset.UTC);
      String text = p.print(m);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      long bestPrint = Long.MAX_VALUE;
      long bestParse = Long.MAX_VALUE;
      long bestMap = Long.MAX_VALUE;
      VgMetadata back = null;
      for (int i = 0; i < (n > 5_000 ? 5 : 10); i++) {
        long t0 = CPU.getCurrentThreadCpuTime();
        p.print(m);
        long t1 = CPU.getCurrentThreadCpuTime();
        back = MetadataText.parse(bytes, 0, bytes.length, null, -1);
        long t2 = CPU.getCurrentThreadCpuTime();
        ExtentMap.of(back.vg());
        long t3 = CPU.getCurrentThreadCpuTime();
        bestPrint = Math.min(bestPrint, t1 - t0);
        bestParse = Math.min(bestParse, t2 - t1);
        bestMap = Math.min(bestMap, t3 - t2);
      }
      assertEquals(m.vg(), back.vg());
      System.out.printf(
          "VG with %d LVs (%d bytes of text): print %.1f ms, parse+import %.1f ms, extent map"
              + " %.1f ms (thread CPU time, best of 5-10)%n",
          n, bytes.length, bestPrint / 1e6, bestParse / 1e6, bestMap / 1e6);
    }
  }
}
