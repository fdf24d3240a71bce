package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.ZeroTarget;
import io.clvm.engine.Activator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports' kernel fields (lv_attr's 5th and 6th characters, lv_active, lv_device_open,
 * lv_kernel_major...) from device-mapper, with the in-memory device-mapper standing for the kernel:
 * inactive, active, open, suspended, a device with only an inactive table; then lvm2's values
 * without a device-mapper and with {@code global.activation = 0} (both checked against lvm2 live,
 * see the class comment of {@code io.clvm.engine.KernelState}).
 */
class KernelStateReportTest {
  private static final String FIELDS =
      "lv_name,lv_attr,lv_active,lv_active_locally,lv_active_remotely,lv_active_exclusively,"
          + "lv_device_open,lv_suspended,lv_live_table,lv_inactive_table,lv_permissions,"
          + "lv_kernel_major,lv_kernel_minor";

  @TempDir Path tmp;
  private String devices;
  private final InMemoryDeviceMapper dm = new InMemoryDeviceMapper();

  record Result(int status, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path f = tmp.resolve("pv" + i + "-clvmtest.img");
      try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
        r.setLength(32L << 20);
      }
      files.add(f.toString());
    }
    devices = "--devices=" + String.join(",", files);
    conf("");
    ok("pvcreate", files.get(0), files.get(1));
    ok("vgcreate", "vg-k", files.get(0), files.get(1));
    ok("lvcreate", "-an", "-Zn", "-n", "a-1", "-L", "4m", "vg-k");
    ok("lvcreate", "-an", "-Zn", "-n", "b", "-L", "4m", "vg-k");
    ok("lvcreate", "-an", "-Zn", "-n", "c", "-L", "4m", "vg-k");
    ok("lvcreate", "-an", "-Zn", "-n", "d", "-L", "4m", "vg-k");
    ok("lvcreate", "-an", "-Zn", "-pr", "-n", "ro", "-L", "4m", "vg-k");
  }

  private void conf(String global) throws IOException {
    Files.writeString(
        tmp.resolve("clvm.conf"),
        "global {\n  lock_dir = \""
            + tmp.resolve("lock")
            + "\"\n"
            + global
            + "}\nbackup {\n  backup_dir = \""
            + tmp.resolve("backup")
            + "\"\n  archive_dir = \""
            + tmp.resolve("archive")
            + "\"\n}\n");
  }

  private Result run(Activator.Opener opener, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
                new PrintWriter(out),
                new PrintWriter(err),
                new ByteArrayInputStream(new byte[0]),
                Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()))
            .withDeviceMapper(opener);
    List<String> all = new ArrayList<>(List.of(args));
    all.add(devices);
    int status = Main.run(all.toArray(new String[0]), s);
    return new Result(status, out.toString(), err.toString());
  }

  private Result run(String... args) {
    return run(() -> dm, args);
  }

  private void ok(String... args) {
    Result r = run(args);
    assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
  }

  private void device(String name, String lvName, boolean resume) throws Exception {
    String uuid =
        run("lvs", "--noheadings", "-o", "vg_uuid,lv_uuid", "vg-k/" + lvName).out().strip();
    String dmUuid = "LVM-" + uuid.replaceAll("[\\s-]", "");
    DmName n = DmName.of(name);
    dm.create(n, Optional.of(DmUuid.of(dmUuid)));
    dm.loadTable(n, Table.single(Sectors.ofBytes(4L << 20), new ZeroTarget()));
    if (resume) {
      dm.resume(n);
    }
  }

  @Test
  void kernelFieldsFollowTheDeviceMapper() throws Exception {
    device("vg--k-a--1", "a-1", true); // active
    device("vg--k-b", "b", true); // active and open
    AutoCloseable open = dm.open(DmName.of("vg--k-b"));
    device("vg--k-c", "c", true); // suspended
    dm.suspend(DmName.of("vg--k-c"), io.clvm.dm.DeviceMapper.SuspendMode.FLUSH);
    device("vg--k-d", "d", false); // only an inactive table
    int a = dm.info(DmName.of("vg--k-a--1")).orElseThrow().device().minor();
    int b = dm.info(DmName.of("vg--k-b")).orElseThrow().device().minor();
    int c = dm.info(DmName.of("vg--k-c")).orElseThrow().device().minor();
    int d = dm.info(DmName.of("vg--k-d")).orElseThrow().device().minor();
    Result r = run("lvs", "--reportformat", "json", "-o", FIELDS, "vg-k");
    assertEquals(0, r.status(), r.err());
    String row =
        "{\"lv_name\":\"%s\", \"lv_attr\":\"%s\", \"lv_active\":\"active\","
            + " \"lv_active_locally\":\"active locally\", \"lv_active_remotely\":\"\","
            + " \"lv_active_exclusively\":\"active exclusively\", \"lv_device_open\":\"%s\","
            + " \"lv_suspended\":\"%s\", \"lv_live_table\":\"%s\", \"lv_inactive_table\":\"%s\","
            + " \"lv_permissions\":\"%s\", \"lv_kernel_major\":\"253\","
            + " \"lv_kernel_minor\":\"%d\"}";
    String expected =
        "  {\n"
            + "      \"report\": [\n"
            + "          {\n"
            + "              \"lv\": [\n"
            + "                  "
            + String.format(
                row, "a-1", "-wi-a-----", "", "", "live table present", "", "writeable", a)
            + ",\n                  "
            + String.format(
                row, "b", "-wi-ao----", "open", "", "live table present", "", "writeable", b)
            + ",\n                  "
            + String.format(
                row, "c", "-wi-s-----", "", "suspended", "live table present", "", "writeable", c)
            + ",\n                  "
            + String.format(
                row, "d", "-wi-i-----", "", "", "", "inactive table present", "writeable", d)
            + ",\n                  "
            + "{\"lv_name\":\"ro\", \"lv_attr\":\"-ri-------\", \"lv_active\":\"\","
            + " \"lv_active_locally\":\"\", \"lv_active_remotely\":\"\","
            + " \"lv_active_exclusively\":\"\", \"lv_device_open\":\"unknown\","
            + " \"lv_suspended\":\"unknown\", \"lv_live_table\":\"unknown\","
            + " \"lv_inactive_table\":\"unknown\", \"lv_permissions\":\"read-only\","
            + " \"lv_kernel_major\":\"-1\", \"lv_kernel_minor\":\"-1\"}\n"
            + "              ]\n"
            + "          }\n"
            + "      ]\n"
            + "  }\n";
    assertEquals(expected, r.out());
    open.close();
    assertEquals(
        "  -wi-a-----\n",
        run("lvs", "--noheadings", "-o", "lv_attr", "vg-k/b").out(),
        "closed again");
  }

  @Test
  void withoutDeviceMapperLvm2sValues() {
    Result r =
        run(
            () -> {
              throw new IOException("/dev/mapper/control: No such device");
            },
            "lvs",
            "-o",
            FIELDS,
            "vg-k/a-1",
            "vg-k/ro");
    assertEquals(0, r.status(), r.err());
    // lvm2 2.03.16 on a kernel without device-mapper (activation on): the same line.
    assertEquals(
        "  LV   Attr       Active ActLocal   ActRemote  ActExcl    DevOpen    Suspended  LiveTable            InactiveTable        LPerms    KMaj KMin\n"
            + "  a-1  -wi-XX----                                            unknown    unknown              unknown              unknown unknown     -1   -1\n"
            + "  ro   -ri-XX----                                            unknown    unknown              unknown              unknown read-only   -1   -1\n",
        r.out());
  }

  @Test
  void activationOffLvm2sUnknowns() throws Exception {
    conf("  activation = 0\n");
    Result r = run("lvs", "-o", FIELDS, "vg-k/a-1");
    assertEquals(0, r.status(), r.err());
    assertEquals(
        // lvm2 2.03.16 with activation=0
        "  LV   Attr       Active  ActLocal   ActRemote  ActExcl    DevOpen    Suspended  LiveTable            InactiveTable        LPerms   KMaj KMin\n"
            + "  a-1  -wi-XX---- unknown    unknown    unknown    unknown    unknown    unknown              unknown              unknown unknown    -1   -1\n",
        r.out());
  }
}
