package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * vgcreate stamping this host's system ID, {@code vgcreate --systemid}, {@code vgchange
 * --systemid}: lvm2 runs each command on one device, clvm on its twin, with the same local system
 * ID (lvm2's {@code global/system_id_source = "lvmlocal"} and {@code local/system_id}, clvm's same
 * keys); same exit code, output and messages, and lvm2 finds the same system ID, flags and {@code
 * creation_host_system_id} in both texts.
 */
@RequiresLvm2
class SystemIdLvm2Test extends LiveLvm2Test {
  private static final String VG = "vgsid-clvmtest";

  private Lvm2Oracle theirs;
  private Lvm2Oracle mine;
  private String local;
  private int lastErrLines;

  @Override
  int loopCount() {
    return 2;
  }

  @Override
  long loopSize() {
    return 32L << 20;
  }

  @AfterEach
  void closeOracles() {
    if (theirs != null) {
      theirs.close();
    }
    if (mine != null) {
      mine.close();
    }
  }

  private String dev(int i) {
    return loops.get(i).device().toString();
  }

  /** This host's system ID for both tools (null: {@code system_id_source = "none"}). */
  private void local(String id) throws Exception {
    local = id;
    String conf = Files.readString(tmp.resolve("clvm.conf"));
    conf = conf.replaceAll("  system_id_source = \"lvmlocal\"\n", "");
    conf = conf.replaceFirst("(?s)\nlocal \\{.*?\\}\n", "\n");
    if (id != null) {
      conf = conf.replaceFirst("global \\{\n", "global {\n  system_id_source = \"lvmlocal\"\n");
      conf += "local {\n  system_id = \"" + id + "\"\n}\n";
    }
    Files.writeString(tmp.resolve("clvm.conf"), conf);
  }

  private String[] withConfig(String[] args) {
    List<String> a = new ArrayList<>(List.of(args));
    if (local != null) {
      a.add("--config");
      a.add("global{system_id_source=\"lvmlocal\"} local{system_id=\"" + local + "\"}");
    }
    return a.toArray(new String[0]);
  }

  private static String[] on(String[] args, String dev) {
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i].replace("DEV", dev);
    }
    return out;
  }

  /** Runs {@code args} with lvm2 on device 1 and clvm on device 0; returns the exit code. */
  private int same(String... args) {
    Lvm2Oracle.Result expected = theirs.run(withConfig(on(args, dev(1))));
    Result actual = clvm(on(args, dev(0)));
    lastErrLines = actual.err().isEmpty() ? 0 : actual.err().split("\n").length;
    String what = String.join(" ", args) + " (local system ID " + local + ")";
    assertEquals(expected.exitCode(), actual.status(), what + ": " + expected + " / " + actual);
    assertEquals(
        expected.stdout().replace(dev(1), "DEV"), actual.out().replace(dev(0), "DEV"), what);
    assertEquals(
        expected.errors().replace(dev(1), "DEV"), actual.err().replace(dev(0), "DEV"), what);
    return actual.status();
  }

  /** The text's lines that carry the system ID and its consequences, as lvm2 reads them. */
  private static String idLines(Lvm2Oracle lvm2, String dev) {
    Lvm2Oracle.Result r = lvm2.run("pvck", "--dump", "metadata", dev).requireOk();
    return r.stdout()
        .lines()
        .filter(
            l ->
                l.startsWith("system_id")
                    || l.startsWith("status")
                    || l.startsWith("flags")
                    || l.startsWith("creation_host_system_id"))
        .collect(Collectors.joining("\n"));
  }

  private void assertSameText() {
    String expected = idLines(theirs, dev(1));
    assertEquals(expected, idLines(mine, dev(0)));
    assertTrue(expected.contains("status"), expected);
  }

  @Test
  void setsSystemIdsAsLvm2Does() throws Exception {
    theirs = Lvm2Oracle.forDevices(loops.get(1).device());
    mine = Lvm2Oracle.forDevices(loops.get(0).device());
    devices = "--devices=" + dev(0);
    lvm2.run("pvcreate", dev(0), dev(1)).requireOk();

    // This host's system ID goes on the new VG and its LVs are write-locked.
    local("host_a");
    assertEquals(0, same("vgcreate", VG, "DEV"));
    assertTrue(clvm("vgs", "-o", "vg_systemid", "--noheadings").out().contains("host_a"));
    assertEquals(0, same("lvcreate", "-an", "-Zn", "-n", "l1", "-L", "4m", VG));
    assertSameText();
    same("vgs", "-o", "vg_name,vg_systemid,vg_attr");
    // vgchange --systemid: refused without -y, then set, foreign, back, already, removed.
    same("vgchange", "--systemid", "host_a", VG);
    same("vgchange", "--systemid", "!!", VG);
    assertEquals(0, same("vgchange", "-y", "--systemid", "zzz", VG));
    assertSameText();
    same("vgs", "--foreign", "-o", "vg_name,vg_systemid");
    same("vgchange", "-y", "--systemid", "host_a", VG);
    local("zzz");
    assertEquals(0, same("vgchange", "-y", "--systemid", "host_a", VG));
    local("host_a");
    assertEquals(0, same("vgchange", "-y", "--systemid", "", VG));
    assertSameText();
    local(null);
    same("vgchange", "--systemid", "", VG);
    assertEquals(0, same("vgchange", "-y", "--systemid", "q", VG));
    assertSameText();
    local("q");
    assertEquals(0, same("vgremove", "-f", VG));

    // vgcreate --systemid overrides this host's, with lvm2's warnings.
    local("host_a");
    assertEquals(0, same("vgcreate", "--systemid", "other_h", VG, "DEV"));
    assertSameText();
    local("other_h");
    assertEquals(0, same("vgremove", "-f", VG));
    local("host_a");
    assertEquals(0, same("vgcreate", "--systemid", "", VG, "DEV"));
    assertEquals(5, lastErrLines, "lvm2's five warnings, two of them twice");
    assertSameText();
    assertEquals(0, same("vgremove", "-f", VG));
    local(null);
    assertEquals(0, same("vgcreate", "--systemid", "", VG, "DEV"));
    assertEquals(0, same("vgremove", "-f", VG));
    assertEquals(3, same("vgcreate", "--systemid", "!!!", VG, "DEV"));
    assertEquals(0, same("vgcreate", "--systemid", "bad id!x", VG, "DEV"));
    assertSameText();
    local("badidx");
    assertEquals(0, same("vgremove", "-f", VG));
    local(null);
    assertEquals(0, same("vgcreate", VG, "DEV"));
    assertSameText();
  }
}
