package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands run in-process: exit status and exact output, as lvm2 gives them. */
class MainTest {
  @TempDir Path tmp;

  /** One run's status and streams. */
  record Result(int status, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()));
    int status = Main.run(args, s);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void unknownOptionIsAnInvalidCommandLine() {
    Result r = run("lvs", "--bogus");
    assertEquals(3, r.status());
    assertEquals(
        "lvs: unrecognized option '--bogus'\n  Error during parsing of command line.\n", r.err());
  }

  @Test
  void badSizeArgument() {
    Result r = run("lvcreate", "-L", "10X", "vg");
    assertEquals(3, r.status());
    assertEquals(
        "  Can't parse size argument.\n  Invalid argument for --size: 10X\n"
            + "  Error during parsing of command line.\n",
        r.err());
  }

  @Test
  void badReportFormatAndUnits() {
    Result r = run("lvs", "--reportformat", "yaml");
    assertEquals(3, r.status());
    assertEquals(
        "  Invalid argument for --reportformat: yaml\n  Error during parsing of command line.\n",
        r.err());
    r = run("vgs", "--units", "x");
    assertEquals(3, r.status());
    assertEquals(
        "  Invalid units specification\n  Run `vgs --help' for more information.\n", r.err());
  }

  @Test
  void missingArgumentsAndUnknownCommands() {
    Result r = run("lvcreate", "vg");
    assertEquals(3, r.status());
    assertEquals(
        "  No command with matching syntax recognised.  Run 'lvcreate --help' for more"
            + " information.\n",
        r.err());
    r = run("frobnicate");
    assertEquals(2, r.status()); // lvm2's ENO_SUCH_CMD
    assertEquals("  No such command 'frobnicate'.  Try 'clvm help'.\n", r.err());
  }

  @Test
  void reportErrorsFail() {
    Result r = run("lvs", "-o", "bogus");
    assertEquals(5, r.status());
    assertEquals("  Unrecognised field: bogus\n", r.err());
  }

  @Test
  void emptyReport() {
    Result r = run("pvs", "--devices", tmp.resolve("none").toString());
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.out());
  }

  @Test
  void version() {
    Result r = run("version");
    assertEquals(0, r.status());
    assertTrue(r.out().startsWith("  clvm version:"), r.out());
  }

  @Test
  void enableAndDisableClusterEditTheConfigInPlace() throws Exception {
    Path conf = tmp.resolve("clvm.conf");
    Files.writeString(conf, "# mine\nbackup {\n  backup_dir = \"/x\"\n}\n");
    Result r = run("enable-cluster", "--zookeeper", "zk1:2181,zk2:2181");
    assertEquals(0, r.status(), r.err());
    assertEquals(
        "# mine\nbackup {\n  backup_dir = \"/x\"\n}\nglobal.locking_mode = \"cluster\"\n"
            + "zookeeper.connect = \"zk1:2181,zk2:2181\"\n",
        Files.readString(conf));
    Result cfg = run("config");
    assertTrue(cfg.out().contains("global.locking_mode = \"cluster\"\n"), cfg.out());
    // Cluster mode never falls back to local locking: without clvmd the command fails.
    Result lvs = run("lvs");
    assertEquals(5, lvs.status());
    assertTrue(lvs.err().contains("clvmd is not running"), lvs.err());
    r = run("disable-cluster");
    assertEquals(0, r.status());
    assertTrue(Files.readString(conf).contains("global.locking_mode = \"local\"\n"));
    assertEquals(0, run("lvs").status());
  }

  @Test
  void promptsAreRefusedWithoutATerminal() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of());
    assertEquals(false, s.confirm("Really?"));
    assertEquals("", out.toString());
    assertEquals("Really? [y/n]: [n]\n", err.toString());
    s.assumeYes(true);
    assertEquals(true, s.confirm("Really?"));
  }

  @Test
  void helpListsTheCommands() {
    Result r = run("help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("lvcreate"), r.out());
  }
}
