package io.clvm.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cli.Main;
import io.clvm.cli.Session;
import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import io.clvm.testing.uml.InGuest;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reports' kernel fields on a real device-mapper: one LV activated by lvm2, one by clvm, one
 * inactive; then one opened, one suspended, and each deactivated by the other tool. At every step
 * lvm2's own {@code lvs} (activation on) and clvm's print the same, byte for byte.
 */
@InGuest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelReportsInGuest {
  static final String VG = "vgk";
  static final String BY_LVM2 = "lvm2-clvmtest";
  static final String BY_CLVM = "clvm-clvmtest";
  static final String IDLE = "idle-clvmtest";
  static final String FIELDS =
      "lv_name,lv_attr,lv_active,lv_active_locally,lv_active_remotely,lv_active_exclusively,"
          + "lv_device_open,lv_suspended,lv_live_table,lv_inactive_table,lv_permissions,"
          + "lv_kernel_major,lv_kernel_minor,lv_kernel_read_ahead";

  Path tmp;
  TestLoopDevice loop;
  Lvm2Oracle lvm2;
  String devices;

  record Result(int status, String out, String err) {}

  @BeforeAll
  void setUp() throws Exception {
    tmp = Files.createTempDirectory("clvm-cli-kernel-clvmtest");
    loop = TestLoopDevice.create(64L << 20);
    lvm2 = Lvm2Oracle.forDevices(List.of(loop.device()), true);
    devices = "--devices=" + loop.device();
    Files.writeString(
        tmp.resolve("clvm.conf"),
        "global {\n  lock_dir = \""
            + tmp.resolve("lock")
            + "\"\n}\nbackup {\n  backup_dir = \""
            + tmp.resolve("backup")
            + "\"\n  archive_dir = \""
            + tmp.resolve("archive")
            + "\"\n}\n");
    String dev = loop.device().toString();
    lvm2.run("pvcreate", dev).requireOk();
    lvm2.run("vgcreate", VG, dev).requireOk();
    for (String lv : List.of(BY_LVM2, BY_CLVM, IDLE)) {
      lvm2.run("lvcreate", "-an", "-Zn", "-n", lv, "-L", "8m", VG).requireOk();
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      if (lvm2 != null) {
        lvm2.run("vgchange", "-an", VG);
        lvm2.run("vgremove", "-f", VG);
        lvm2.close();
      }
    } finally {
      if (loop != null) {
        loop.close();
      }
      try (Stream<Path> walk = Files.walk(tmp)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  Result clvm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()));
    List<String> all = new ArrayList<>(List.of(args));
    all.add(devices);
    int status = Main.run(all.toArray(new String[0]), s);
    return new Result(status, out.toString(), err.toString());
  }

  /** lvm2 and clvm print the same reports; returns clvm's plain one. */
  String reportsAgree(String step) {
    String[][] reports = {
      {"lvs", "-o", FIELDS},
      {"lvs", "-o", FIELDS, "--reportformat", "json"},
      {"lvs", "-a", "-o", "all", "--reportformat", "json", "--units", "b", "--nosuffix"},
      {"lvs", "--segments", "-o", "+lv_attr,lv_active"},
      {"lvdisplay"},
      {"lvscan"}
    };
    String first = null;
    for (String[] r : reports) {
      Lvm2Oracle.Result expected = lvm2.run(r);
      assertEquals(0, expected.exitCode(), expected.toString());
      Result actual = clvm(r);
      assertEquals(0, actual.status(), actual.err());
      assertEquals(expected.stdout(), actual.out(), step + ": " + String.join(" ", r));
      first = first == null ? actual.out() : first;
    }
    return first;
  }

  @Test
  @Order(1)
  void inactiveEverywhere() {
    String out = reportsAgree("all inactive");
    assertTrue(out.contains("-wi------- "), out);
  }

  @Test
  @Order(2)
  void activatedByLvm2AndByClvm() {
    lvm2.run("lvchange", "-ay", VG + "/" + BY_LVM2).requireOk();
    Result r = clvm("lvchange", "-ay", VG + "/" + BY_CLVM);
    assertEquals(0, r.status(), r.err());
    String out = reportsAgree("one activated by lvm2, one by clvm");
    assertTrue(out.contains("-wi-a----- active "), out);
  }

  @Test
  @Order(3)
  void openAndSuspended() throws Exception {
    DeviceMapper dm = KernelDeviceMapper.open();
    Path node = Path.of("/dev/mapper/" + VG + "-" + BY_CLVM.replace("-", "--"));
    try (FileChannel held = FileChannel.open(node, StandardOpenOption.READ)) {
      DmName suspended = DmName.of(VG + "-" + BY_LVM2.replace("-", "--"));
      dm.suspend(suspended, DeviceMapper.SuspendMode.FLUSH);
      try {
        String out = reportsAgree("one open, one suspended");
        assertTrue(out.contains("-wi-ao----"), out);
        assertTrue(out.contains("-wi-s-----"), out);
      } finally {
        dm.resume(suspended);
      }
    }
  }

  @Test
  @Order(4)
  void eachDeactivatedByTheOtherTool() {
    Result r = clvm("lvchange", "-an", VG + "/" + BY_LVM2);
    assertEquals(0, r.status(), r.err());
    lvm2.run("lvchange", "-an", VG + "/" + BY_CLVM).requireOk();
    String out = reportsAgree("deactivated again");
    assertTrue(!out.contains("-wi-a"), out);
  }
}
