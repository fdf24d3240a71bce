package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.engine.report.Report;
import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's report cache: a report over unchanged disks reuses the last scan and its parsed VGs;
 * any commit (here by another "node": an engine without the cache, writing the same files) is seen
 * by the next report; a scan with warnings is not kept.
 */
class ScanCacheTest {
  @TempDir Path tmp;

  private final ScanCache cache = new ScanCache();
  private FileBackedVg vg;
  private RecordingConsole console;
  private List<String> pvs;

  @BeforeEach
  void setUp() throws Exception {
    vg = new FileBackedVg(tmp);
    console = vg.console;
    pvs = vg.pvs;
  }

  private Engine writer() {
    return vg.writer();
  }

  private void lvcreate(String name) throws Exception {
    vg.lvcreate(name);
  }

  /** The LV names an lvs through the cache reports. */
  private List<String> lvs() throws Exception {
    Report r =
        Report.prepare(ReportKind.LVS, ReportOptions.defaults().withFields(List.of("lv_name")));
    String out = r.render(writer().withReportCache(cache).reportRows(r.kind(), List.of()).rows());
    return out.lines().skip(1).map(String::strip).toList();
  }

  @Test
  void unchangedDisksAreNotRescannedAndEveryCommitIsSeen() throws Exception {
    lvcreate("a");
    assertEquals(List.of("a"), lvs());
    assertEquals(1, cache.misses());
    assertEquals(List.of("a"), lvs());
    assertEquals(List.of("a"), lvs());
    assertEquals(2, cache.hits(), "served from the kept scan");
    lvcreate("b"); // a commit behind the cache's back
    assertEquals(List.of("a", "b"), lvs(), "no stale read");
    assertEquals(2, cache.misses());
    assertEquals(List.of("a", "b"), lvs());
    assertEquals(3, cache.hits());
  }

  @Test
  void aDeviceThatCannotBeReadIsReportedEveryTimeAndNothingIsKept() throws Exception {
    lvcreate("a");
    Files.delete(Path.of(pvs.get(1)));
    lvs();
    lvs();
    assertEquals(0, cache.hits());
    long warnings =
        console.err.stream().filter(l -> l.contains(pvs.get(1)) || l.contains("missing")).count();
    assertTrue(warnings >= 2, "warned on each report: " + console.err);
  }
}
