package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.engine.config.EngineConfig;
import io.clvm.engine.units.SizeArg;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A VG "vg" on two 32 MiB PV files in a test's directory, and an engine without caches that writes
 * it as another node (or lvm2) would.
 */
final class FileBackedVg {
  final List<String> pvs = new ArrayList<>();
  final RecordingConsole console = new RecordingConsole();
  private final EngineConfig config;

  FileBackedVg(Path tmp) throws Exception {
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
  Engine writer() {
    return new Engine(config, console, pvs)
        .withCommandLine("test")
        .withDeviceMapper(
            () -> {
              throw new IOException("no device-mapper in this test");
            });
  }

  /** lvcreate -n name -L 4m -Zn vg, by {@link #writer}. */
  void lvcreate(String name) throws Exception {
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
}
