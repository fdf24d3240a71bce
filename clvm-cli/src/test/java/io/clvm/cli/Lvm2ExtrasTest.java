package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lvs -a, pvck --dump, pvchange --metadataignore, pvcreate --uuid: clvm against live lvm2. */
@RequiresLvm2
class Lvm2ExtrasTest {
  @TempDir Path tmp;

  private final List<TestLoopDevice> loops = new ArrayList<>();
  private Lvm2Oracle lvm2;
  private String devices;

  /** One in-process run's status and streams. */
  record Result(int status, String out, String err) {}

  @BeforeEach
  void attach() throws Exception {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      TestLoopDevice d = TestLoopDevice.create(32L << 20);
      loops.add(d);
      paths.add(d.device());
    }
    lvm2 = Lvm2Oracle.forDevices(paths);
    devices = "--devices=" + String.join(",", paths.stream().map(Path::toString).toList());
    Files.writeString(
        tmp.resolve("clvm.conf"),
        "global {\n  lock_dir = \""
            + tmp.resolve("lock")
            + "\"\n}\nbackup {\n  backup_dir = \""
            + tmp.resolve("backup")
            + "\"\n  archive_dir = \""
            + tmp.resolve("archive")
            + "\"\n}\n");
  }

  @AfterEach
  void detach() {
    if (lvm2 != null) {
      lvm2.close();
    }
    loops.forEach(TestLoopDevice::close);
  }

  private Result clvm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            false,
            Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()));
    List<String> all = new ArrayList<>(List.of(args));
    all.add(devices);
    int status = Main.run(all.toArray(new String[0]), s);
    return new Result(status, out.toString(), err.toString());
  }

  private String same(String... args) {
    Lvm2Oracle.Result expected = lvm2.run(args);
    Result actual = clvm(args);
    assertEquals(expected.exitCode(), actual.status(), expected + " / " + actual.err());
    assertEquals(expected.stdout(), actual.out(), String.join(" ", args));
    return actual.out();
  }

  private String dev(int i) {
    return loops.get(i).device().toString();
  }

  @Test
  void lvsAllListsHiddenLvsInBrackets() throws Exception {
    lvm2.run("pvcreate", dev(0), dev(1)).requireOk();
    lvm2.run("vgcreate", "vgh-clvmtest", dev(0), dev(1)).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "shown", "-L", "4M", "vgh-clvmtest").requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "hid", "-L", "8M", "vgh-clvmtest").requireOk();
    Path backup = tmp.resolve("vgh.vg");
    lvm2.run("vgcfgbackup", "-f", backup.toString(), "vgh-clvmtest").requireOk();
    String text = Files.readString(backup);
    int at = text.indexOf("hid {");
    int status = text.indexOf("status = [\"READ\", \"WRITE\", \"VISIBLE\"]", at);
    assertTrue(at > 0 && status > at, text);
    text =
        text.substring(0, status)
            + "status = [\"READ\", \"WRITE\"]"
            + text.substring(status + "status = [\"READ\", \"WRITE\", \"VISIBLE\"]".length());
    Files.writeString(backup, text);
    lvm2.run("vgcfgrestore", "-f", backup.toString(), "vgh-clvmtest").requireOk();

    same("lvs");
    assertTrue(same("lvs", "-a").contains("[hid]"));
    same("lvs", "-a", "-o", "lv_name,lv_size,lv_attr", "--units", "b");
    same("lvs", "-a", "--segments");
    same("lvs", "vgh-clvmtest/hid");
  }

  @Test
  void pvckDumpsHeadersAndMetadataAsLvm2() throws Exception {
    assertEquals(0, clvm("pvcreate", dev(0), dev(1)).status());
    assertEquals(0, clvm("vgcreate", "vgd-clvmtest", dev(0), dev(1)).status());
    assertEquals(0, clvm("lvcreate", "-an", "-Zn", "-n", "l", "-L", "4M", "vgd-clvmtest").status());
    for (int i = 0; i < 2; i++) {
      assertTrue(same("pvck", "--dump", "headers", dev(i)).contains("pv_header.pv_uuid"));
      assertTrue(same("pvck", "--dump", "metadata", dev(i)).contains("vgd-clvmtest {"));
    }
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "m", "-L", "4M", "vgd-clvmtest").requireOk();
    same("pvck", "--dump", "headers", dev(0));
    assertTrue(same("pvck", "--dump", "metadata", dev(0)).contains("seqno 3"));
  }

  @Test
  void pvchangeMetadataIgnoreAsLvm2() throws Exception {
    String[] report = {
      "pvs", "-o", "pv_name,vg_name,pv_mda_count,pv_mda_used_count,vg_mda_used_count,vg_seqno"
    };
    assertEquals(0, clvm("pvcreate", dev(0), dev(1)).status());
    assertEquals(0, clvm("vgcreate", "vgm-clvmtest", dev(0), dev(1)).status());
    Result r = clvm("pvchange", "--metadataignore", "y", dev(0));
    assertEquals(0, r.status(), r.err());
    Lvm2Oracle.Result vgck = lvm2.run("vgck", "vgm-clvmtest");
    assertTrue(vgck.ok(), vgck.toString());
    assertTrue(same(report).contains("0"));
    Result last = clvm("pvchange", "--metadataignore", "y", dev(1));
    Lvm2Oracle.Result lvm2Last = lvm2.run("pvchange", "--metadataignore", "y", dev(1));
    assertEquals(lvm2Last.exitCode(), last.status(), lvm2Last + " / " + last.err());
    assertTrue(lvm2Last.stderr().endsWith(last.err()), lvm2Last + " / " + last.err());
    assertEquals(lvm2Last.stdout(), last.out());
    same(report);
    r = clvm("pvchange", "--metadataignore", "n", dev(0));
    assertEquals(0, r.status(), r.err());
    vgck = lvm2.run("vgck", "vgm-clvmtest");
    assertTrue(vgck.ok(), vgck.toString());
    same(report);
    lvm2.run("pvchange", "--metadataignore", "y", dev(1)).requireOk();
    same(report);
    assertEquals(0, clvm("pvchange", "--metadataignore", "n", dev(1)).status());
    same(report);
  }
}
