package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Activation in local mode on a kernel without device-mapper (this build machine's): lvm2 with
 * activation enabled and clvm with {@code global.activation = 1} run the same commands on the same
 * VG; same exit code, same output, same messages ("/dev/mapper/control: open failed: No such
 * device", "Failure to communicate with kernel device-mapper driver.", "Check that device-mapper is
 * available in the kernel."; lvm2's line about its libdevmapper version is left out), and the
 * metadata is never touched.
 */
@RequiresLvm2
class NoDeviceMapperLvm2Test extends LiveLvm2Test {
  private static final String VG = "vgdm-clvmtest";

  @Override
  int loopCount() {
    return 1;
  }

  @Override
  long loopSize() {
    return 32L << 20;
  }

  private static boolean kernelHasDeviceMapper() throws Exception {
    return Files.readAllLines(Path.of("/proc/misc")).stream()
        .anyMatch(l -> l.strip().endsWith(" device-mapper"));
  }

  /** lvm2's standard error without the lines about its own library and activation=0. */
  private static String lvm2Errors(Lvm2Oracle.Result r) {
    return r.errors()
        .lines()
        .filter(l -> !l.contains("Incompatible libdevmapper"))
        .map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  private String seqno() {
    return lvm2.report("vgs", "vg", "-o", "vg_seqno", VG).get(0).get("vg_seqno").asText();
  }

  @Test
  void activationFailsAsLvm2FailsAndChangesNothing() throws Exception {
    assumeFalse(kernelHasDeviceMapper(), "this kernel has device-mapper");
    String dev = loops.get(0).device().toString();
    lvm2.run("pvcreate", dev).requireOk();
    lvm2.run("vgcreate", VG, dev).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "l1", "-L", "4m", VG).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "l2", "-L", "4m", VG).requireOk();
    Path conf = tmp.resolve("clvm.conf");
    Files.writeString(conf, Files.readString(conf).replace("activation = 0", "activation = 1"));
    String before = seqno();
    try (Lvm2Oracle active = Lvm2Oracle.forDevices(List.of(loops.get(0).device()), true)) {
      String[][] commands = {
        {"lvchange", "-ay", VG + "/l1"},
        {"lvchange", "-aey", VG + "/l1", VG + "/l2"},
        {"vgchange", "-ay", VG},
        {"lvchange", "-an", VG + "/l1"},
        {"vgchange", "-an", VG},
        {"lvcreate", "-n", "l3", "-L", "4m", VG},
      };
      for (String[] c : commands) {
        Lvm2Oracle.Result expected = active.run(c);
        Result actual = clvm(c);
        String what = String.join(" ", c);
        assertEquals(expected.exitCode(), actual.status(), what + ": " + expected + actual);
        assertEquals(expected.stdout(), actual.out(), what);
        assertEquals(lvm2Errors(expected), actual.err(), what);
        assertEquals(before, seqno(), what + " changed the metadata");
      }
    }
  }

  /** With {@code activation = 0} (both tools): activating does nothing and succeeds, as in lvm2. */
  @Test
  void activationOffDoesNothingAsLvm2() {
    String dev = loops.get(0).device().toString();
    lvm2.run("pvcreate", dev).requireOk();
    lvm2.run("vgcreate", VG, dev).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "l1", "-L", "4m", VG).requireOk();
    String[][] commands = {
      {"lvchange", "-ay", VG + "/l1"},
      {"vgchange", "-ay", VG},
      {"lvchange", "-an", VG + "/l1"},
      {"vgchange", "-an", VG},
      {"lvchange", "--refresh", VG + "/l1"},
      {"lvcreate", "-n", "l2", "-L", "4m", VG},
      {"lvcreate", "-Zn", "-n", "l3", "-L", "4m", VG},
      {"lvs", "-o", "lv_name,lv_attr", VG},
    };
    for (String[] c : commands) {
      boolean create = c[0].equals("lvcreate");
      String lv = VG + "/" + (create ? List.of(c).get(List.of(c).indexOf("-n") + 1) : "");
      Lvm2Oracle.Result expected = lvm2.run(c);
      if (create) {
        // Each tool makes the LV in turn on the same VG: lvm2's is removed before clvm's run.
        lvm2.run("lvremove", "-f", lv).requireOk();
      }
      Result actual = clvm(c);
      String what = String.join(" ", c);
      assertEquals(expected.exitCode(), actual.status(), what + ": " + expected + actual);
      assertEquals(expected.stdout(), actual.out(), what);
      assertEquals(expected.errors(), actual.err(), what);
      if (create) {
        assertEquals(0, clvm("lvremove", "-f", lv).status());
      }
    }
  }
}
