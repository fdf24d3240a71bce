package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad command lines (issue 7, item 5), in-process: each one gets lvm2's exit code (2 no such
 * command, 3 invalid command line, 5 failed) and lvm2's message naming what was wrong, and nothing
 * on stdout. Every check here happens before a device is read, so no VG is needed; the cases marked
 * {@code lvm2} are also run against the real lvm2 by {@link BadCommandLineLvm2Test}.
 */
class BadCommandLineTest {
  /**
   * One bad command line.
   *
   * @param args the command line
   * @param status the exit code
   * @param err standard error, exactly
   * @param lvm2 whether lvm2 2.03 says exactly the same (checked by the lvm2 test)
   */
  record Case(List<String> args, int status, String err, boolean lvm2) {
    @Override
    public String toString() {
      return String.join(" ", args.stream().map(a -> a.contains(" ") ? "'" + a + "'" : a).toList())
          + " -> "
          + status;
    }
  }

  private static final String PARSE = "  Error during parsing of command line.\n";

  private static Case same(int status, String err, String... args) {
    return new Case(List.of(args), status, err, true);
  }

  private static Case own(int status, String err, String... args) {
    return new Case(List.of(args), status, err, false);
  }

  private static String help(String command) {
    return "  Run `" + command + " --help' for more information.\n";
  }

  private static String badValue(String option, String value) {
    return "  Invalid argument for " + option + ": " + value + "\n" + PARSE;
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // Unknown commands and options, missing arguments: getopt's words, before anything else.
    c.add(own(2, "  No such command 'frobnicate'.  Try 'clvm help'.\n", "frobnicate"));
    c.add(same(3, "lvs: unrecognized option '--bogus'\n" + PARSE, "lvs", "--bogus"));
    c.add(same(3, "lvcreate: unrecognized option '--bogus'\n" + PARSE, "lvcreate", "--bogus"));
    c.add(
        same(
            3,
            "lvcreate: unrecognized option '--bogus=3'\n" + PARSE,
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a",
            "vg0",
            "--bogus=3"));
    c.add(same(3, "lvs: invalid option -- 'X'\n" + PARSE, "lvs", "-X"));
    c.add(
        same(
            3,
            "lvcreate: option requires an argument -- 'L'\n" + PARSE,
            "lvcreate",
            "-n",
            "a",
            "vg0",
            "-L"));
    c.add(
        same(3, "lvcreate: option '--size' requires an argument\n" + PARSE, "lvcreate", "--size"));
    c.add(
        same(3, "lvs: option '--separator' requires an argument\n" + PARSE, "lvs", "--separator"));
    c.add(same(3, "lvs: option requires an argument -- 'o'\n" + PARSE, "lvs", "-o"));
    c.add(
        own(
            3,
            "  No command with matching syntax recognised.  Run 'lvcreate --help' for more"
                + " information.\n",
            "lvcreate"));
    c.add(
        own(
            3,
            "  No command with matching syntax recognised.  Run 'lvcreate --help' for more"
                + " information.\n",
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a"));
    // Sizes and extents.
    c.add(
        same(
            3,
            "  Can't parse size argument.\n" + badValue("--size", "10X"),
            "lvcreate",
            "-L",
            "10X",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Can't parse size argument.\n" + badValue("--size", "1.2.3M"),
            "lvcreate",
            "-L",
            "1.2.3M",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size requires number argument.\n" + badValue("--size", "abc"),
            "lvcreate",
            "-L",
            "abc",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size requires number argument.\n" + badValue("--size", " 4M"),
            "lvcreate",
            "-L",
            " 4M",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size is too big (>=16EiB).\n" + badValue("--size", "99999999999999999999G"),
            "lvcreate",
            "-L",
            "99999999999999999999G",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size may not be negative.\n" + badValue("--size", "-4M"),
            "lvcreate",
            "-L",
            "-4M",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size may not be negative.\n" + badValue("--size", "-4M"),
            "lvextend",
            "-L",
            "-4M",
            "vg0/lv0"));
    c.add(
        same(
            3,
            "  Extents may not be negative.\n" + badValue("--extents", "-1"),
            "lvextend",
            "-l",
            "-1",
            "vg0/lv0"));
    c.add(
        same(
            3,
            "  Size may not be positive.\n" + badValue("--size", "+4M"),
            "lvreduce",
            "-L",
            "+4M",
            "vg0/lv0"));
    c.add(
        same(
            3,
            "  Extents may not be positive.\n" + badValue("--extents", "+1"),
            "lvreduce",
            "-l",
            "+1",
            "vg0/lv0"));
    c.add(
        same(
            3,
            "  --size may not be zero.\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "0",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  --extents may not be zero.\n" + help("lvcreate"),
            "lvcreate",
            "-l",
            "0",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  --size may not be zero.\n" + help("lvextend"),
            "lvextend",
            "-L",
            "+0",
            "vg0/lv0"));
    c.add(
        same(
            3,
            "  --extents may not be zero.\n" + help("lvresize"),
            "lvresize",
            "-l",
            "0",
            "vg0/lv0"));
    c.add(same(3, badValue("--extents", "abc"), "lvcreate", "-l", "abc", "-n", "a", "vg0"));
    c.add(
        same(
            3,
            "  Specified %BOGUS is unknown.\n" + badValue("--extents", "50%BOGUS"),
            "lvcreate",
            "-l",
            "50%BOGUS",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size requires number argument.\n" + badValue("--physicalextentsize", "abc"),
            "vgcreate",
            "-s",
            "abc",
            "vg1",
            "/dev/null"));
    // Stripes.
    c.add(
        same(
            3,
            badValue("--stripes", "abc"),
            "lvcreate",
            "-L",
            "4M",
            "-i",
            "abc",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(3, badValue("--stripes", "-1"), "lvcreate", "-L", "4M", "-i", "-1", "-n", "a", "vg0"));
    c.add(
        same(
            3,
            "  --stripes may not be zero.\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-i",
            "0",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Number of stripes (129) must be between 1 and 128.\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-i",
            "129",
            "-n",
            "a",
            "vg0"));
    c.add(
        own(
            3,
            "  Invalid stripe size 3.00 KiB: must be a power of 2 of at least 4 KiB.\n"
                + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-i",
            "2",
            "-I",
            "3k",
            "-n",
            "a",
            "vg0"));
    // Option values.
    c.add(
        same(
            3,
            badValue("--zero", "maybe"),
            "lvcreate",
            "-L",
            "4M",
            "-Z",
            "maybe",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            badValue("--activate", "maybe"),
            "lvcreate",
            "-L",
            "4M",
            "-a",
            "maybe",
            "-n",
            "a",
            "vg0"));
    c.add(same(3, badValue("--activate", "maybe"), "lvchange", "-a", "maybe", "vg0/lv0"));
    c.add(same(3, badValue("--activate", "maybe"), "vgchange", "-a", "maybe", "vg0"));
    c.add(
        same(
            3,
            "  Unrecognised allocation policy sideways\n" + badValue("--alloc", "sideways"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a",
            "vg0",
            "--alloc",
            "sideways"));
    c.add(same(3, badValue("--addtag", "a b"), "lvchange", "--addtag", "a b", "vg0/lv0"));
    c.add(same(3, badValue("--deltag", "a b"), "lvchange", "--deltag", "a b", "vg0/lv0"));
    c.add(same(3, badValue("--addtag", ""), "vgchange", "--addtag", "", "vg0"));
    c.add(
        same(
            3,
            badValue("--addtag", "bad tag"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a",
            "vg0",
            "--addtag",
            "bad tag"));
    c.add(same(3, badValue("--allocatable", "maybe"), "pvchange", "-x", "maybe", "/dev/null"));
    c.add(same(3, badValue("--reportformat", "yaml"), "lvs", "--reportformat", "yaml"));
    for (String units : List.of("x", "0m", "4", "kk", "-1k", "4X")) {
      c.add(same(3, "  Invalid units specification\n" + help("lvs"), "lvs", "--units", units));
    }
    // Names.
    c.add(
        same(
            3,
            "  Logical volume name \"sp ace\" is invalid.\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "sp ace",
            "vg0"));
    c.add(
        same(
            3,
            "  Logical volume name \".\" is invalid.\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            ".",
            "vg0"));
    String longName = "a".repeat(128);
    c.add(
        same(
            3,
            "  Logical volume name \"" + longName + "\" is invalid.\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            longName,
            "vg0"));
    c.add(
        same(
            3,
            "  Names starting \"snapshot\" are reserved. Please choose a different LV name.\n"
                + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "snapshot",
            "vg0"));
    c.add(
        same(
            3,
            "  Names including \"_mlog\" are reserved. Please choose a different LV name.\n"
                + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a_mlog",
            "vg0"));
    c.add(
        same(
            3,
            "  Inconsistent volume group names given: \"vg1\" and \"vg0\"\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "vg1/a",
            "vg0"));
    c.add(
        own(
            3,
            "  Volume group name bad vg has invalid characters\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a",
            "bad vg"));
    c.add(
        same(
            3,
            "  New logical volume name \"a b\" is invalid\n" + help("lvrename"),
            "lvrename",
            "vg0",
            "lv0",
            "a b"));
    c.add(
        same(
            3,
            "  Old and new logical volume names must differ\n" + help("lvrename"),
            "lvrename",
            "vg0/lv0",
            "lv0"));
    c.add(
        same(
            3,
            "  Names starting \"snapshot\" are reserved. Please choose a different LV name.\n"
                + help("lvrename"),
            "lvrename",
            "vg0",
            "lv0",
            "snapshot1"));
    c.add(
        own(
            5,
            "  Invalid volume group name \"a b\": Name \"a b\" contains invalid character, valid"
                + " set includes: [a-zA-Z0-9.-_+].\n",
            "vgrename",
            "vg0",
            "a b"));
    c.add(same(5, "  Old and new volume group names must differ\n", "vgrename", "vg0", "vg0"));
    c.add(
        same(
            3,
            "  Physical extent size may not be zero\n" + help("vgcreate"),
            "vgcreate",
            "-s",
            "0",
            "vg1",
            "/dev/null"));
    c.add(
        same(
            3,
            "  Option -L/--size may not be repeated.\n" + PARSE,
            "lvcreate",
            "-L",
            "4M",
            "-L",
            "8M",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Option -n/--name may not be repeated.\n" + PARSE,
            "lvcreate",
            "-n",
            "a",
            "-n",
            "b",
            "-L",
            "4M",
            "vg0"));
    c.add(
        same(
            3,
            "  Please specify either size or extents (not both).\n" + help("lvcreate"),
            "lvcreate",
            "-L",
            "4M",
            "-l",
            "8",
            "-n",
            "a",
            "vg0"));
    c.add(
        same(
            3,
            "  Size may not be relative/signed.\n" + badValue("--physicalextentsize", "-4M"),
            "vgcreate",
            "-s",
            "-4M",
            "vg1",
            "/dev/null"));
    c.add(
        same(
            3,
            "  Size may not be relative/signed.\n" + badValue("--metadatasize", "-1M"),
            "pvcreate",
            "--metadatasize",
            "-1M",
            "/dev/null"));
    c.add(
        same(
            3,
            "  Size may not be relative/signed.\n" + badValue("--setphysicalvolumesize", "-1M"),
            "pvresize",
            "--setphysicalvolumesize",
            "-1M",
            "/dev/null"));
    c.add(same(3, badValue("--permission", "x"), "lvchange", "-p", "x", "vg0/lv0"));
    c.add(
        same(
            3, badValue("--permission", "x"), "lvcreate", "-L", "4M", "-n", "a", "-p", "x", "vg0"));
    c.add(
        same(
            3,
            "  Size requires number argument.\n" + badValue("--readahead", "abc"),
            "lvcreate",
            "-L",
            "4M",
            "-n",
            "a",
            "-r",
            "abc",
            "vg0"));
    for (String display : List.of("pvdisplay", "vgdisplay", "lvdisplay")) {
      c.add(same(3, "  Invalid units specification\n" + help(display), display, "--units", "x"));
    }
    c.add(
        same(
            3,
            "  No command with matching syntax recognised.  Run 'vgreduce --help' for more"
                + " information.\n",
            "vgreduce",
            "vg0"));
    c.add(
        own(
            3,
            "  Configuration file /nonexistent/clvm.conf (--config) does not exist.\n"
                + help("lvs"),
            "lvs",
            "--config",
            "/nonexistent/clvm.conf"));
    return c;
  }

  @TempDir Path tmp;

  @BeforeEach
  void config() throws Exception {
    Files.writeString(
        tmp.resolve("clvm.conf"),
        "global.lock_dir = \""
            + tmp.resolve("lock")
            + "\"\nbackup.backup_dir = \""
            + tmp.resolve("backup")
            + "\"\nbackup.archive_dir = \""
            + tmp.resolve("archive")
            + "\"\n");
  }

  static Stream<Case> all() {
    return cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void badCommandLine(Case c) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(c.args());
    // No devices at all: nothing here may get as far as reading one.
    args.add(1, "--devices=" + tmp.resolve("no-such-device"));
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()));
    int status = Main.run(args.toArray(new String[0]), s);
    assertEquals(c.err(), err.toString(), c.toString());
    assertEquals(c.status(), status, err.toString());
    assertEquals("", out.toString());
    assertFalse(err.toString().contains("Exception"), err.toString());
  }
}
