package io.clvm.cli.cluster;

import static io.clvm.cli.cluster.OneDaemonFixture.config;
import static io.clvm.cli.cluster.OneDaemonFixture.pvFile;
import static io.clvm.cli.cluster.OneDaemonFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cli.cluster.OneDaemonFixture.Run;
import io.clvm.daemon.Daemon;
import io.clvm.daemon.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 3 in cluster mode: the daemon commits, but the 80 % warning must reach the admin's
 * terminal as in local mode (not only the daemon's log), and the refusal must come before anything
 * is written. One clvmd with the real engine, embedded ZooKeeper, a file PV with a small area.
 */
class ClusterMetadataCapacityTest {
  @TempDir Path dir;

  @Test
  void warnsTheAdminAbove80PercentAndRefusesBeforeTheAreaOverflows() throws Exception {
    Path pv = pvFile(dir, 64L << 20);
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(conf, config(dir, pv, "c1", "cap").text());
    Daemon d = Daemon.start(DaemonConfig.load(conf), new CliDaemonBackend());
    try {
      for (String[] cmd :
          new String[][] {
            {"pvcreate", "--metadatasize", "32k", "--dataalignment", "64k", pv.toString()},
            {"vgcreate", "--shared", "-s", "64k", "vgc", pv.toString()}
          }) {
        Run r = run(conf, cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r);
      }
      String area = "metadata area mda1 on " + pv;
      Pattern warning =
          Pattern.compile(
              "(?s).*  WARNING: Volume group vgc metadata is (\\d+)% of the largest copy "
                  + Pattern.quote(area)
                  + " can hold \\((\\d+) of 29952 bytes\\)\\.\n.*");
      int firstWarning = -1;
      int refusedAt = -1;
      long seqnoBefore = -1;
      for (int i = 0; i < 400 && refusedAt < 0; i++) {
        Run r = run(conf, "lvcreate", "-an", "-Zn", "-n", "lv" + i, "-l", "1", "vgc");
        if (r.exit() == 0) {
          boolean warned = warning.matcher(r.err()).matches();
          if (firstWarning < 0 && warned) {
            firstWarning = i;
          }
          // Once warned, every later growth warns too.
          assertTrue(firstWarning < 0 || warned, "lv" + i + " after the first warning: " + r);
        } else {
          refusedAt = i;
          assertEquals(5, r.exit(), r.toString());
          assertTrue(
              r.err().contains("Cannot update volume group vgc: metadata of ")
                  && r.err().contains("does not fit into " + area),
              r.toString());
        }
        seqnoBefore = i;
      }
      assertTrue(firstWarning > 0, "no 80 % warning before lv" + seqnoBefore);
      assertTrue(refusedAt > firstWarning, "never refused, or refused before warning");
      // Nothing half-written: the VG reads back, without the refused LV, and clvm's vgck is clean.
      Run lvs = run(conf, "lvs", "--noheadings", "-o", "lv_name", "vgc");
      assertEquals(0, lvs.exit(), lvs.toString());
      assertTrue(!lvs.out().contains("lv" + refusedAt + "\n"), lvs.out());
      assertTrue(lvs.out().contains("lv" + (refusedAt - 1) + "\n"), lvs.out());
      Run vgck = run(conf, "vgck", "vgc");
      assertEquals(0, vgck.exit(), vgck.toString());
    } finally {
      d.close();
    }
  }
}
