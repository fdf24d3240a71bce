package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A VG with another host's system ID ("foreign"), made by lvm2: reports and displays skip it with
 * lvm2's message unless {@code --foreign}, named it fails with exit 5, and every change is refused;
 * with this host's system ID unknown, then set to another host's, then to the VG's own. Every
 * command is run by lvm2 and by clvm: same exit code, same standard output, same messages.
 */
@RequiresLvm2
class ForeignVgLvm2Test extends LiveLvm2Test {
  private static final String OWNER =
      "global{system_id_source=\"lvmlocal\"} local{system_id=\"host_a\"}";

  @Override
  int loopCount() {
    return 2;
  }

  @Override
  long loopSize() {
    return 32L << 20;
  }

  /** clvm's config: the bench's, plus {@code extra} in the global section and a local section. */
  private void clvmConf(String global, String localId) throws Exception {
    String conf = Files.readString(tmp.resolve("clvm.conf"));
    conf = conf.replaceFirst("(?s)global \\{\\n(.*?)\\}\\n", "global {\n$1" + global + "}\n");
    conf = conf.replaceFirst("(?s)\\nlocal \\{.*?\\}\\n", "\n");
    if (localId != null) {
      conf += "local {\n  system_id = \"" + localId + "\"\n}\n";
    }
    Files.writeString(tmp.resolve("clvm.conf"), conf);
  }

  private void same(String lvm2Config, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    if (lvm2Config != null) {
      a.add("--config");
      a.add(lvm2Config);
    }
    Lvm2Oracle.Result expected = lvm2.run(a.toArray(new String[0]));
    Result actual = clvm(args);
    String what = String.join(" ", args) + " with " + lvm2Config;
    assertEquals(expected.exitCode(), actual.status(), what + ": " + expected + " / " + actual);
    assertEquals(expected.stdout(), actual.out(), what);
    assertEquals(expected.errors(), actual.err(), what);
  }

  @Test
  void foreignVgsAreSkippedAndRefusedAsLvm2Does() throws Exception {
    String d0 = loops.get(0).device().toString();
    String d1 = loops.get(1).device().toString();
    lvm2.run("pvcreate", d0, d1).requireOk();
    lvm2.run("vgcreate", "vgmine-clvmtest", d0).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "lm", "-L", "4M", "vgmine-clvmtest").requireOk();
    lvm2.run("vgcreate", "--config", OWNER, "vgf-clvmtest", d1).requireOk();
    lvm2.run("lvcreate", "--config", OWNER, "-an", "-Zn", "-n", "lf", "-L", "4M", "vgf-clvmtest")
        .requireOk();

    String[][] reads = {
      {"vgs"},
      {"lvs"},
      {"pvs"},
      {"vgs", "--foreign"},
      {"lvs", "--foreign", "-o", "lv_name,vg_name,vg_systemid,lv_attr"},
      {"pvs", "--foreign"},
      {"vgs", "vgf-clvmtest"},
      {"lvs", "vgf-clvmtest/lf"},
      {"vgs", "vgf-clvmtest", "vgmine-clvmtest"},
      {"vgdisplay", "-s"},
      {"vgdisplay", "vgf-clvmtest"},
      {"lvscan"},
      {"vgscan"},
      {"pvscan"},
      {"vgck"}
    };
    String[][] writes = {
      {"lvcreate", "-an", "-n", "x", "-L", "4m", "vgf-clvmtest"},
      {"lvextend", "-L", "+4m", "vgf-clvmtest/lf"},
      {"vgchange", "--addtag", "t", "vgf-clvmtest"},
      {"lvchange", "--addtag", "t", "vgf-clvmtest/lf"},
      {"vgremove", "-f", "vgf-clvmtest"}
    };
    // This host's system ID unknown (lvm2's system_id_source = "none", clvm's default).
    for (String[] r : reads) {
      same(null, r);
    }
    for (String[] w : writes) {
      same(null, w);
    }
    // Another host's.
    String other = "global{system_id_source=\"lvmlocal\"} local{system_id=\"host_b\"}";
    clvmConf("  system_id_source = \"lvmlocal\"\n", "host_b");
    for (String[] r : reads) {
      same(other, r);
    }
    same(other, writes[0]);
    // The owner's: nothing is foreign.
    clvmConf("", "host_a");
    same(OWNER, "vgs", "-o", "vg_name,vg_attr,vg_systemid");
    same(OWNER, "lvs", "vgf-clvmtest");
    same(OWNER, "pvs");
  }
}
