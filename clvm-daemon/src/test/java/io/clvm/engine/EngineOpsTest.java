package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.engine.config.EngineConfig;
import io.clvm.engine.report.Report;
import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportOptions;
import io.clvm.engine.units.ExtentsArg;
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
 * The engine's operations on regular files as PVs: what they print, what they write (read back
 * through the reports) and what they refuse.
 */
class EngineOpsTest {
  @TempDir Path tmp;

  private final RecordingConsole console = new RecordingConsole();
  private List<String> pvs;
  private EngineConfig config;

  @BeforeEach
  void setUp() throws IOException {
    pvs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path f = tmp.resolve("pv" + i + "-clvmtest.img");
      try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
        r.setLength(64L << 20);
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
  }

  private Engine engine() {
    return new Engine(config, console, pvs)
        .withCommandLine("test")
        .withDeviceMapper(
            () -> {
              throw new IOException("no device-mapper in this test");
            });
  }

  private String report(ReportKind kind, String fields) throws Exception {
    Report r = Report.prepare(kind, ReportOptions.defaults().withFields(List.of(fields)));
    return r.render(engine().reportRows(r.kind(), List.of()).rows());
  }

  private static SizeArg mib(int n) {
    return SizeArg.parse(n + "m");
  }

  private LvOps.Create create(String name, SizeArg size, String activate) {
    return new LvOps.Create(
        "vg", name, size, null, null, null, null, activate, false, List.of(), null, null, null,
        List.of());
  }

  private void makeVg() throws Exception {
    assertEquals(0, new PvOps(engine()).create(pvs.subList(0, 2), PvOps.Format.defaults(), 0));
    assertEquals(
        0,
        new VgOps(engine())
            .create(
                new VgOps.Create(
                    "vg",
                    pvs,
                    null,
                    List.of("site"),
                    null,
                    false,
                    null,
                    null,
                    PvOps.Format.defaults())));
  }

  @Test
  void createsAVgAndLvsThatReportAsLvm2Would() throws Exception {
    makeVg();
    assertEquals(
        List.of(
            "Physical volume \"" + pvs.get(0) + "\" successfully created.",
            "Physical volume \"" + pvs.get(1) + "\" successfully created.",
            "Physical volume \"" + pvs.get(2) + "\" successfully created.",
            "Volume group \"vg\" successfully created"),
        console.out);
    console.clear();
    assertEquals(0, new LvOps(engine()).create(create("lv1", mib(10), "n")));
    assertEquals(
        List.of(
            "Rounding up size to full physical extent 12.00 MiB",
            "Logical volume \"lv1\" created."),
        console.out);
    assertEquals(List.of("WARNING: Logical volume vg/lv1 not zeroed."), console.err);
    assertEquals(
        "  VG #PV #LV #SN Attr   VSize   VFree  \n  vg   3   1   0 wz--n- 180.00m 168.00m\n",
        report(ReportKind.VGS, "vg_name,pv_count,lv_count,snap_count,vg_attr,vg_size,vg_free"));
    assertEquals(
        "  LV   LSize  VG Tags\n  lv1  12.00m site   \n",
        report(ReportKind.LVS, "lv_name,lv_size,vg_tags"));
  }

  @Test
  void resizesRenamesTagsAndRemoves() throws Exception {
    makeVg();
    LvOps lv = new LvOps(engine());
    lv.create(create("lv1", mib(8), "n"));
    console.clear();
    assertEquals(
        0,
        new LvOps(engine())
            .resize(
                new LvOps.Resize(
                    LvOps.ResizeKind.EXTEND,
                    "vg/lv1",
                    SizeArg.parse("+3m"),
                    null,
                    null,
                    null,
                    null,
                    false,
                    List.of(),
                    false)));
    assertEquals(
        List.of(
            "Rounding size to boundary between physical extents: 4.00 MiB.",
            "Size of logical volume vg/lv1 changed from 8.00 MiB (2 extents) to 12.00 MiB (3"
                + " extents).",
            "Logical volume vg/lv1 successfully resized."),
        console.out);
    assertEquals(
        0,
        new LvOps(engine())
            .resize(
                new LvOps.Resize(
                    LvOps.ResizeKind.RESIZE,
                    "vg/lv1",
                    null,
                    ExtentsArg.parse("-1"),
                    null,
                    null,
                    null,
                    false,
                    List.of(),
                    false)));
    assertEquals(0, new LvOps(engine()).rename(List.of("vg/lv1", "data")));
    assertEquals(
        0,
        new LvOps(engine())
            .change(
                new LvOps.Change(
                    List.of("vg/data"), null, List.of("t1", "a0"), List.of(), false, null, null)));
    String dev = pvs.get(0) + "(0)";
    assertEquals(
        "  LV   LSize LV Tags "
            + String.format("%-" + dev.length() + "s", "Devices")
            + "\n  data 8.00m a0,t1   "
            + dev
            + "\n",
        report(ReportKind.LVS, "lv_name,lv_size,lv_tags,devices"));
    console.clear();
    assertEquals(0, new LvOps(engine()).remove(List.of("vg/data"), false));
    assertEquals(List.of("Logical volume \"data\" successfully removed."), console.out);
    assertEquals("", report(ReportKind.LVS, "lv_name"));
    assertTrue(Files.list(tmp.resolve("archive")).count() >= 5, "archives written");
    assertTrue(Files.exists(tmp.resolve("backup/vg")));
  }

  @Test
  void refusals() throws Exception {
    makeVg();
    EngineException e =
        assertThrows(
            EngineException.class,
            () -> new LvOps(engine()).create(create("big", SizeArg.parse("1g"), "n")));
    assertEquals(
        "Volume group \"vg\" has insufficient free space (45 extents): 256 required.",
        e.getMessage());
    console.clear();
    // Activation without device-mapper fails before the metadata changes.
    e =
        assertThrows(
            EngineException.class, () -> new LvOps(engine()).create(create("a", mib(4), "y")));
    assertTrue(
        e.getMessage()
            .startsWith("/dev/mapper/control: open failed: no device-mapper in this test"));
    assertTrue(
        e.getMessage().endsWith("Required device-mapper target(s) not detected in your kernel."));
    assertEquals(EngineException.INVALID, e.exitStatus());
    assertEquals("", report(ReportKind.LVS, "lv_name"));
    e =
        assertThrows(
            EngineException.class,
            () ->
                new VgOps(engine())
                    .create(
                        new VgOps.Create(
                            "vg",
                            pvs,
                            null,
                            List.of(),
                            null,
                            false,
                            null,
                            null,
                            PvOps.Format.defaults())));
    assertEquals("A volume group called vg already exists.", e.getMessage());
    console.clear();
    assertEquals(5, new PvOps(engine()).create(pvs.subList(0, 1), PvOps.Format.defaults(), 0));
    assertEquals(
        List.of(
            "Can't initialize physical volume \""
                + pvs.get(0)
                + "\" of volume group \"vg\""
                + " without -ff",
            pvs.get(0) + ": physical volume not initialized."),
        console.err);
  }

  @Test
  void vgLifecycle() throws Exception {
    makeVg();
    VgOps vg = new VgOps(engine());
    assertEquals(0, vg.reduce("vg", List.of(pvs.get(2)), false, false, false));
    assertEquals(
        "  PV VG\n" + "  " + pvs.get(0) + " vg\n  " + pvs.get(1) + " vg\n  " + pvs.get(2) + "   \n",
        report(ReportKind.PVS, "pv_name,vg_name")
            .replaceAll(" +\n", "\n")
            .replaceAll("  PV +VG", "  PV VG")
            .replaceAll("(img) +vg", "$1 vg")
            .replaceAll("(img) *\n", "$1   \n"));
    assertEquals(0, new VgOps(engine()).extend("vg", List.of(pvs.get(2)), PvOps.Format.defaults()));
    assertEquals(
        0,
        new VgOps(engine())
            .change(
                new VgOps.Change(
                    List.of("vg"),
                    null,
                    List.of("x"),
                    List.of("site"),
                    "contiguous",
                    null,
                    false)));
    assertEquals(
        "  VG Tags AllocPol  \n  x       contiguous\n",
        report(ReportKind.VGS, "vg_tags,vg_allocation_policy"));
    assertEquals(0, new VgOps(engine()).rename("vg", "vg2"));
    assertEquals(0, new VgOps(engine()).check(List.of("vg2"), false));
    assertEquals(0, new VgOps(engine()).backup(List.of("vg2"), tmp.resolve("b-%s.vg").toString()));
    assertTrue(Files.readString(tmp.resolve("b-vg2.vg")).contains("vg2 {"));
    console.clear();
    assertEquals(0, new VgOps(engine()).remove(List.of("vg2"), false));
    assertEquals(List.of("Volume group \"vg2\" successfully removed"), console.out);
    assertEquals("", report(ReportKind.VGS, "vg_name"));
    // The backup brings it back.
    assertEquals(0, new VgOps(engine()).restore("vg2", tmp.resolve("b-vg2.vg").toString(), false));
    assertEquals("  VG \n  vg2\n", report(ReportKind.VGS, "vg_name"));
    assertEquals(0, new VgOps(engine()).restore("vg2", null, true));
    console.clear();
    assertEquals(0, new VgOps(engine()).remove(List.of("vg2"), false));
    assertEquals(0, new PvOps(engine()).remove(List.of(pvs.get(0)), 0));
    assertEquals(
        List.of(
            "Volume group \"vg2\" successfully removed",
            "Labels on physical volume \"" + pvs.get(0) + "\" successfully wiped."),
        console.out);
  }

  @Test
  void pvChangeAndResize() throws Exception {
    makeVg();
    assertEquals(
        0,
        new PvOps(engine())
            .change(
                new PvOps.Change(
                    List.of(pvs.get(1)), false, false, List.of("fast"), List.of(), null, false)));
    String pvsReport = report(ReportKind.PVS, "pv_attr,pv_tags");
    assertTrue(pvsReport.contains("---  fast"), pvsReport);
    try (RandomAccessFile r = new RandomAccessFile(pvs.get(2), "rw")) {
      r.setLength(128L << 20);
    }
    assertEquals(0, new PvOps(engine()).resize(List.of(pvs.get(2)), null));
    assertTrue(report(ReportKind.PVS, "pv_size").contains("124.00m"));
  }
}
