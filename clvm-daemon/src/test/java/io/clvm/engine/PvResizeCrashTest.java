package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.engine.config.EngineConfig;
import io.clvm.engine.units.SizeArg;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import io.clvm.format.store.VgRead;
import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pvresize of a PV with a second metadata area, stopped after each of its durable steps as a crash
 * would stop it: every state left behind is a consistent VG (all areas the label names hold the
 * newest copy or the one before, no stale or bad copy), the newest metadata never counts as extents
 * the bytes of an area the label names, and pvresize run again ends where an uninterrupted run
 * ends. With lvm2, each crashed state is also checked by {@code vgck} and {@code pvck}.
 */
class PvResizeCrashTest {
  private static final long MIB = 1L << 20;

  @TempDir Path tmp;

  /** One resize: the PV's file size, an earlier complete resize, then the one that crashes. */
  private record Scenario(String name, long fileSize, String before, String target) {}

  private static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario("grow", 100 * MIB, null, null),
          new Scenario("shrink", 100 * MIB, "100m", "72192k"),
          new Scenario("shrink by less than the area", 100 * MIB, "72192k", "71936k"),
          new Scenario("grow by less than the area", 100 * MIB, "71936k", "72448k"),
          new Scenario("shrink by 2 KiB", 100 * MIB, "71936k", "71934k"),
          new Scenario("grow by 2 KiB", 100 * MIB, "71934k", "71936k"));

  /** A hook that throws at its {@code n}th step, and counts the steps it saw. */
  private static final class CrashAt implements PvResizer.Hook {
    final int n;
    final List<String> seen = new ArrayList<>();

    CrashAt(int n) {
      this.n = n;
    }

    @Override
    public void reached(String step) throws IOException {
      seen.add(step);
      if (seen.size() == n) {
        throw new IOException("simulated crash after: " + step);
      }
    }
  }

  private Engine engine(Path dir, Path pv, RecordingConsole console) {
    EngineConfig config =
        EngineConfig.of(
            dir.resolve("clvm.conf"),
            Map.of(
                "global.lock_dir", dir.resolve("lock").toString(),
                "backup.backup_dir", dir.resolve("backup").toString(),
                "backup.archive_dir", dir.resolve("archive").toString()));
    console.answer = true;
    return new Engine(config, console, List.of(pv.toString()))
        .withCommandLine("test")
        .withDeviceMapper(
            () -> {
              throw new IOException("no device-mapper in this test");
            });
  }

  /**
   * A fresh 64 MiB PV with two areas in VG "vg" with one 8 MiB LV, grown to the scenario's size.
   */
  private Path setUp(Path dir, Scenario s) throws Exception {
    Files.createDirectories(dir);
    Path pv = dir.resolve("pv-clvmtest.img");
    try (RandomAccessFile r = new RandomAccessFile(pv.toFile(), "rw")) {
      r.setLength(64 * MIB);
    }
    RecordingConsole c = new RecordingConsole();
    PvOps.Format two = new PvOps.Format(null, 2, null, null, null, null);
    assertEquals(0, new PvOps(engine(dir, pv, c)).create(List.of(pv.toString()), two, 0));
    assertEquals(
        0,
        new VgOps(engine(dir, pv, c))
            .create(
                new VgOps.Create(
                    "vg", List.of(pv.toString()), null, List.of(), null, false, null, null, two)));
    assertEquals(
        0,
        new LvOps(engine(dir, pv, c))
            .create(
                new LvOps.Create(
                    "vg",
                    "l1",
                    SizeArg.parse("8m"),
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
                    List.of())),
        c.err.toString());
    try (RandomAccessFile r = new RandomAccessFile(pv.toFile(), "rw")) {
      r.setLength(s.fileSize());
    }
    if (s.before() != null) {
      assertEquals(0, resize(dir, pv, s.before(), PvResizer.Hook.NONE), c.err.toString());
    }
    return pv;
  }

  private int resize(Path dir, Path pv, String size, PvResizer.Hook hook) throws Exception {
    RecordingConsole c = new RecordingConsole();
    return new PvOps(engine(dir, pv, c))
        .withResizeHook(hook)
        .resize(List.of(pv.toString()), size == null ? null : SizeArg.parse(size));
  }

  /** The label and the newest metadata of the PV, checked for consistency and the invariant. */
  private static String checkedState(Path pv) throws Exception {
    try (FileDevice d = FileDevice.openReadOnly(pv)) {
      VgRead read = MetadataStore.read(List.of(d), "vg");
      assertTrue(read.consistent(), pv + ": " + read.problems());
      PvScan scan = MetadataStore.scan(List.of(d)).get(0);
      assertTrue(scan.problems().isEmpty(), scan.problems().toString());
      for (var a : scan.areas()) {
        assertTrue(a.copy().isPresent(), "area " + a.index() + " has no copy");
        assertTrue(read.seqno() - a.copy().get().seqno() <= 1, "area " + a.index() + " is stale");
      }
      VolumeGroup vg = MetadataText.parse(new String(read.text(), "UTF-8")).vg();
      PhysicalVolume p = vg.pvs().get(0);
      long extentsEnd = (p.peStart() + p.peCount() * vg.extentSize()) * 512;
      PvHeader h = scan.label().get().pvHeader();
      for (DiskLocn m : h.metadataAreas().subList(1, h.metadataAreas().size())) {
        assertTrue(extentsEnd <= m.offset(), "extents end at " + extentsEnd + " over " + m);
        assertTrue(m.offset() + m.size() <= d.size(), m + " beyond the end");
      }
      return h.metadataAreas()
          + " label size "
          + h.deviceSize()
          + " dev_size "
          + p.devSize()
          + " pe_count "
          + p.peCount();
    }
  }

  private final List<String> steps = new ArrayList<>();

  /** Runs every scenario stopped at every step; {@code check} sees each crashed PV. */
  private void everyCrash(Consumer<Path> check) throws Exception {
    int run = 0;
    for (Scenario s : SCENARIOS) {
      Path clean = setUp(tmp.resolve("clean" + run), s);
      CrashAt none = new CrashAt(Integer.MAX_VALUE);
      assertEquals(0, resize(clean.getParent(), clean, s.target(), none), s.name());
      String expected = checkedState(clean);
      assertTrue(none.seen.size() >= 3, s.name() + ": " + none.seen);
      steps.add(s.name() + ": " + none.seen);
      for (int k = 1; k <= none.seen.size(); k++) {
        Path dir = tmp.resolve("run" + run++);
        Path pv = setUp(dir, s);
        CrashAt crash = new CrashAt(k);
        assertEquals(5, resize(dir, pv, s.target(), crash), s.name() + " " + crash.seen);
        String at = s.name() + ", crash after " + crash.seen.get(k - 1);
        checkedState(pv);
        check.accept(pv);
        assertEquals(0, resize(dir, pv, s.target(), PvResizer.Hook.NONE), at);
        if (crash.seen.contains("second area dropped") && !crash.seen.contains("label written")) {
          // The one window that costs the second copy: the PV goes on with mda0 only.
          assertTrue(checkedState(pv).startsWith("[DiskLocn[offset=4096, size=1044480]] "), at);
        } else {
          assertEquals(expected, checkedState(pv), at);
        }
      }
      run++;
    }
  }

  @Test
  void everyStateACrashLeavesIsConsistentAndResizingAgainFinishes() throws Exception {
    everyCrash(pv -> {});
    // Both orders and the drop of an area that would be damaged are exercised.
    String all = String.join("\n", steps);
    assertTrue(all.contains("grow: [area written, label written, committed]"), all);
    assertTrue(all.contains("shrink: [committed, area written, label written]"), all);
    assertTrue(
        all.contains(
            "shrink by 2 KiB: [committed, second area dropped, area written, label written]"),
        all);
    assertTrue(
        all.contains(
            "grow by 2 KiB: [second area dropped, area written, label written, committed]"),
        all);
  }

  @Test
  @RequiresLvm2
  void lvm2ReadsEveryStateACrashLeaves() throws Exception {
    everyCrash(
        pv -> {
          Path image = pv.resolveSibling("lvm2-clvmtest.img");
          try {
            Files.copy(pv, image);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          try (TestLoopDevice loop = TestLoopDevice.attach(image, 512);
              Lvm2Oracle lvm2 = Lvm2Oracle.forDevices(loop.device())) {
            Lvm2Oracle.Result vgck = lvm2.run("vgck", "vg");
            assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
            Lvm2Oracle.Result pvck = lvm2.run("pvck", loop.device().toString());
            assertTrue(pvck.ok() && pvck.errors().isEmpty(), pvck.toString());
            lvm2.run("lvs", "vg/l1").requireOk();
          }
        });
  }
}
