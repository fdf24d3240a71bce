package io.clvm.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cli.cluster.OneDaemonFixture.Run;
import io.clvm.daemon.Daemon;
import io.clvm.daemon.config.DaemonConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin client against a real clvmd: for reports, displays, writes, refused and invalid command
 * lines and help, what an admin sees through {@code clvm-forward} is what the Java CLI shows — the
 * same output, byte for byte, and the same exit code.
 */
class ClientForwarderDaemonTest {
  @TempDir Path dir;

  private Run client(Path conf, String... args) throws Exception {
    Path binary = Path.of("target", "clvm-forward").toAbsolutePath();
    assertTrue(Files.isExecutable(binary), binary + " is built at compile time");
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(Path.of(System.getProperty("user.dir")).toFile());
    pb.environment().clear();
    pb.environment().put("CLVM_CONF", conf.toString());
    Path out = dir.resolve("client.out");
    Path err = dir.resolve("client.err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "clvm-forward " + String.join(" ", args));
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private void same(Path conf, String... args) throws Exception {
    Run java = OneDaemonFixture.run(conf, args);
    Run thin = client(conf, args);
    assertEquals(java, thin, String.join(" ", args));
  }

  @Test
  void showsWhatTheJavaCliShows() throws Exception {
    Path pv = OneDaemonFixture.pvFile(dir, 64L << 20);
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(conf, OneDaemonFixture.config(dir, pv, "f1", "fwd").text());
    Daemon d = Daemon.start(DaemonConfig.load(conf), new CliDaemonBackend());
    try {
      // written through the thin client, read through both
      Run r = client(conf, "pvcreate", pv.toString());
      assertEquals(0, r.exit(), r.toString());
      r = client(conf, "vgcreate", "--shared", "vgf", pv.toString());
      assertEquals(0, r.exit(), r.toString());
      r = client(conf, "lvcreate", "-n", "thin1", "-L", "8M", "vgf");
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().contains("Logical volume \"thin1\" created."), r.out());
      r = client(conf, "lvextend", "-L", "+4M", "vgf/thin1");
      assertEquals(0, r.exit(), r.toString());
      same(conf, "vgs");
      same(conf, "lvs", "-a", "-o", "+seg_count,lv_uuid");
      same(conf, "lvs", "--reportformat", "json", "vgf");
      same(conf, "pvs", "-o", "+pv_mda_free", "--units", "k");
      same(conf, "vgdisplay", "vgf");
      same(conf, "lvdisplay", "-m", "vgf/thin1");
      same(conf, "lvs", "nosuchvg"); // exit 5, lvm2's words
      same(conf, "lvcreate", "--bogus"); // exit 3, refused by the same parser in clvmd
      same(conf, "lvcreate", "-n", "thin1", "-L", "4M", "vgf"); // exists already
      same(conf, "lvs", "--help");
      same(conf, "vgs", "--node", "nosuchnode"); // only lvchange and vgchange take --node
      same(conf, "vgcfgbackup", "-f", dir.resolve("vgf.backup").toString(), "vgf");
    } finally {
      d.close();
    }
  }
}
