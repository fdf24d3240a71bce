package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.engine.config.EngineConfig;
import io.clvm.engine.report.Report;
import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportOptions;
import io.clvm.engine.units.SizeArg;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  private final RecordingConsole console = new RecordingConsole();
  private final ScanCache cache = new ScanCache();
  private List<String> pvs;
  private EngineConfig config;

  @BeforeEach
  void setUp() throws Exception {
    pvs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path f = tmp.resolve("pv" + i + "-clvmtest.img");
      try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
        r.setLength(32L << 20);
      }
      pvs.add(f.toString());
    }
    config =
        EngineConfig.of(
            tmp.resolve("clvm.conf"),
            Map.of(
                "global.lock_dir", tmp.resolve("lock").toString(),
                "backup.backup_dir", tmp.resolve("backup").toString(),
                "backup.archive_dir", tmp.resolve("archive").toString()));
    Engine writer = writer();
    assertEquals(0, new PvOps(writer).create(pvs, PvOps.Format.defaults(), 0));
    assertEquals(
        0,
        new VgOps(writer)
            .create(
                new VgOps.Create(
                    "vg", pvs, null, List.of(), null, false, null, null, PvOps.Format.defaults())));
  }

  /** Another node: writes the same disks, no cache. */
  private Engine writer() {
    return new Engine(config, console, pvs)
        .withCommandLine("test")
        .withDeviceMapper(
            () -> {
              throw new IOException("no device-mapper in this test");
            });
  }

  private void lvcreate(String name) throws Exception {
    LvOps.Create c =
        new LvOps.Create(
            "vg",
            name,
            SizeArg.parse("4m"),
            null,
            null,
            null,
            null,
            "n",
            false,
            List.of(),
            null,
            null,
            null,
            List.of());
    assertEquals(0, new LvOps(writer()).create(c));
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
