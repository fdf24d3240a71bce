package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * clvm and lvm2 on the same loop devices: lvm2 checks and reads what clvm wrote, clvm reads what
 * lvm2 wrote, and both print the same reports, every field of pvs, vgs, lvs and lvs --segments.
 */
@RequiresLvm2
class Lvm2InteropTest extends LiveLvm2Test {
  @Override
  int loopCount() {
    return 3;
  }

  @Override
  long loopSize() {
    return 64L << 20;
  }

  private void ok(String... args) {
    Result r = clvm(args);
    assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
  }

  private void reportsAgree() {
    String[][] reports = {
      {"pvs", "-o", "all"},
      {"vgs", "-o", "all"},
      {"lvs", "-a", "-o", "all"},
      {"lvs", "-a", "--segments", "-o", "all"},
      {"pvs", "--segments", "-o", "all"},
      {"lvs"},
      {"pvs", "-o", "+pv_mda_free,pv_mda_size,pe_start", "-O", "-pv_free"}
    };
    for (String[] r : reports) {
      for (boolean json : new boolean[] {true, false}) {
        List<String> args = new ArrayList<>(List.of(r));
        if (json) {
          args.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix"));
        }
        Lvm2Oracle.Result expected = lvm2.run(args.toArray(new String[0]));
        assertEquals(0, expected.exitCode(), expected.toString());
        Result actual = clvm(args.toArray(new String[0]));
        assertEquals(0, actual.status(), actual.err());
        assertEquals(expected.stdout(), actual.out(), String.join(" ", args));
      }
    }
  }

  private void displaysAgree() {
    String[][] displays = {
      {"pvscan"}, {"vgscan"}, {"lvscan"}, {"vgdisplay"}, {"lvdisplay", "-m"}, {"pvdisplay", "-m"}
    };
    for (String[] d : displays) {
      Lvm2Oracle.Result expected = lvm2.run(d);
      assertEquals(0, expected.exitCode(), expected.toString());
      Result actual = clvm(d);
      assertEquals(0, actual.status(), actual.err());
      assertEquals(expected.stdout(), actual.out(), String.join(" ", d));
    }
  }

  @Test
  void lvm2ReadsWhatClvmWroteAndTheOtherWayRound() throws Exception {
    String d0 = loops.get(0).device().toString();
    String d1 = loops.get(1).device().toString();
    String d2 = loops.get(2).device().toString();
    ok("pvcreate", d0, d1);
    ok("vgcreate", "vgi-clvmtest", d0, d1, d2);
    ok("lvcreate", "-an", "-n", "lin", "-L", "10M", "vgi-clvmtest");
    ok("lvcreate", "-an", "-Zn", "-n", "str", "-i", "2", "-I", "64k", "-L", "16M", "vgi-clvmtest");
    ok("lvextend", "-L", "+8M", "vgi-clvmtest/lin", d2);
    ok("lvchange", "--addtag", "owner=ops", "--addtag", "project.x", "vgi-clvmtest/str");
    ok("vgchange", "--addtag", "site_a", "vgi-clvmtest");

    Lvm2Oracle.Result vgck = lvm2.run("vgck", "vgi-clvmtest");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    for (TestLoopDevice d : loops) {
      Lvm2Oracle.Result pvck = lvm2.run("pvck", "--dump", "headers", d.device().toString());
      assertTrue(pvck.ok(), pvck.toString());
      assertFalse(pvck.stdout().contains("CHECK:"), pvck.toString());
    }
    reportsAgree();
    displaysAgree();

    // lvm2 goes on changing the VG; clvm reads what it wrote.
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "bylvm", "-L", "4M", "vgi-clvmtest").requireOk();
    lvm2.run("lvextend", "-L", "+4M", "vgi-clvmtest/lin").requireOk();
    reportsAgree();

    // And clvm after lvm2: lvm2's copy is continued and checked once more.
    ok("lvrename", "vgi-clvmtest", "bylvm", "renamed");
    ok("lvremove", "vgi-clvmtest/str");
    vgck = lvm2.run("vgck", "vgi-clvmtest");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    reportsAgree();

    ok("vgremove", "-f", "vgi-clvmtest");
    assertEquals("", lvm2.run("vgs", "--noheadings").stdout());
  }

  @Test
  void aRealProcessKeepsLvm2sExitCodes() throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "lvs",
                "no-such-vg-clvmtest",
                devices));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("CLVM_CONF", tmp.resolve("clvm.conf").toString());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String err = new String(p.getErrorStream().readAllBytes());
    assertEquals(5, p.exitValue(), err);
    assertEquals(
        "  Volume group \"no-such-vg-clvmtest\" not found\n"
            + "  Cannot process volume group no-such-vg-clvmtest\n",
        err);
    Lvm2Oracle.Result same = lvm2.run("lvs", "no-such-vg-clvmtest");
    assertEquals(5, same.exitCode());
    assertTrue(same.stderr().contains(err), same.toString());
  }
}
