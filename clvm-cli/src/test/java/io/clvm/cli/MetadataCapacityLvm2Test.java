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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VG on a small metadata area filled with lvcreate: first the 80 % warning, then the refusal
 * before anything is written, and lvm2's vgck clean afterwards.
 */
@RequiresLvm2
class MetadataCapacityLvm2Test {
  private static final String VG = "vgm-clvmtest";

  @TempDir Path tmp;

  private TestLoopDevice loop;
  private Lvm2Oracle lvm2;
  private String devices;

  record Result(int status, String out, String err) {}

  @BeforeEach
  void attach() throws Exception {
    loop = TestLoopDevice.create(64L << 20);
    lvm2 = Lvm2Oracle.forDevices(List.of(loop.device()));
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
  }

  @AfterEach
  void detach() {
    if (lvm2 != null) {
      lvm2.close();
    }
    if (loop != null) {
      loop.close();
    }
  }

  private Result clvm(String... args) {
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

  @Test
  void warnsAbove80PercentAndRefusesBeforeTheAreaOverflows() {
    String dev = loop.device().toString();
    // 32k asked; lvm2 rounds the area up to the 64k data alignment: 61440 bytes, so the largest
    // copy is (61440 - 512) / 2 - 512 = 29952 bytes.
    lvm2.run("pvcreate", "--metadatasize", "32k", "--dataalignment", "64k", dev).requireOk();
    Result vgcreate = clvm("vgcreate", "-s", "64k", VG, dev);
    assertEquals(0, vgcreate.status(), vgcreate.err());

    String area = "metadata area mda1 on " + dev;
    Pattern warning =
        Pattern.compile(
            "  WARNING: Volume group "
                + VG
                + " metadata is (\\d+)% of the largest copy "
                + Pattern.quote(area)
                + " can hold \\((\\d+) of 29952 bytes\\)\\.\n");
    Pattern refusal =
        Pattern.compile(
            "  Cannot update volume group "
                + VG
                + ": metadata of (\\d+) bytes does not fit into "
                + Pattern.quote(area)
                + " \\(at most 29952 bytes\\)\\. Add a PV with a larger metadata area \\(pvcreate"
                + " --metadatasize, vgextend\\) and stop using this one \\(pvchange"
                + " --metadataignore y "
                + Pattern.quote(dev)
                + "\\), or remove LVs\\.\n");
    int firstWarning = -1;
    int refusedAt = -1;
    for (int i = 0; i < 400 && refusedAt < 0; i++) {
      Result raw = clvm("lvcreate", "-an", "-n", "lv" + i, "-l", "1", VG);
      // -an: lvm2's own "not zeroed" warning comes with every LV; the capacity one is checked.
      Result r =
          new Result(
              raw.status(),
              raw.out(),
              raw.err()
                  .replace("  WARNING: Logical volume " + VG + "/lv" + i + " not zeroed.\n", ""));
      if (r.status() == 0) {
        if (firstWarning < 0) {
          if (r.err().isEmpty()) {
            continue;
          }
          firstWarning = i;
        }
        Matcher m = warning.matcher(r.err());
        assertTrue(m.matches(), "lv" + i + ": " + r.err());
        int percent = Integer.parseInt(m.group(1));
        long bytes = Long.parseLong(m.group(2));
        assertEquals(bytes * 100 / 29952, percent);
        assertTrue(percent >= 80 && percent <= 100, r.err());
        assertEquals("  Logical volume \"lv" + i + "\" created.\n", r.out());
      } else {
        assertEquals(5, r.status(), r.err());
        Matcher m = refusal.matcher(r.err());
        assertTrue(m.lookingAt(), "lv" + i + ": " + r.err());
        assertTrue(Long.parseLong(m.group(1)) > 29952, r.err());
        refusedAt = i;
      }
    }
    assertTrue(firstWarning > 0, "no warning before lv" + refusedAt);
    assertTrue(
        refusedAt > firstWarning, "warned at lv" + firstWarning + ", refused at lv" + refusedAt);

    // Nothing of the refused command reached the disk: lvm2 reads a clean VG without it.
    Lvm2Oracle.Result vgck = lvm2.run("vgck", VG);
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    Lvm2Oracle.Result lvs = lvm2.run("lvs", "--noheadings", "-o", "lv_name", VG);
    assertTrue(lvs.ok(), lvs.toString());
    assertEquals(refusedAt, lvs.stdout().lines().count(), lvs.toString());
    assertTrue(lvs.stdout().contains("lv" + (refusedAt - 1)), lvs.toString());

    // Removing LVs makes room again (and a shrinking VG under 80 % is quiet).
    Result remove = clvm("vgremove", "-f", VG);
    assertEquals(0, remove.status(), remove.err());
  }
}
