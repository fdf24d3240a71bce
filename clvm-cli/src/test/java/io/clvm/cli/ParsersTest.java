package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * clvmd's reused parsers: nothing of one command line may reach the next one run by the same parser
 * (a leaked {@code --addtag}, {@code -y} or {@code --test} would change what a later command does).
 */
class ParsersTest {
  @TempDir Path tmp;

  /** Every command clvmd pools. */
  private static List<Class<?>> pooled() {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : Main.Clvm.class.getAnnotation(CommandLine.Command.class).subcommands()) {
      if (Parsers.pools(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * A command keeps nothing that picocli does not reset: every field of a pooled command, of its
   * mixins and of its argument groups is an option, a parameter, a mixin, a group or the spec;
   * besides those, only the command's session, which is bound for every use.
   */
  @Test
  void pooledCommandsHoldOnlyWhatPicocliResets() {
    assertTrue(pooled().size() >= 30, "pooled: " + pooled());
    List<String> other = new ArrayList<>();
    for (Class<?> c : pooled()) {
      collectUnmanaged(c, true, other);
    }
    assertEquals(List.of(), other);
  }

  private static void collectUnmanaged(Class<?> c, boolean command, List<String> out) {
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
          continue;
        }
        if (f.isAnnotationPresent(CommandLine.Mixin.class)
            || f.isAnnotationPresent(CommandLine.ArgGroup.class)) {
          Class<?> type = f.getType();
          collectUnmanaged(type, false, out);
        } else if (!f.isAnnotationPresent(CommandLine.Option.class)
            && !f.isAnnotationPresent(CommandLine.Parameters.class)
            && !f.isAnnotationPresent(CommandLine.Spec.class)
            && !(command && f.getType() == Session.class)) {
          out.add(k.getName() + "." + f.getName());
        }
      }
    }
  }

  /**
   * For every option of every pooled command: a line with that option, then an empty line on the
   * same parser leaves the command exactly as a new parser given the empty line (parse failures
   * included: a line that fails half way must not leak either).
   */
  @Test
  void noOptionOfOneLineReachesTheNextOne() {
    int options = 0;
    int changed = 0;
    List<String> leaks = new ArrayList<>();
    Parsers parsers = new Parsers();
    for (Class<?> c : pooled()) {
      String empty = state(parsed(Main.newCommandLine(c, null)));
      CommandLine reused = parsers.borrow(c, null);
      parsers.giveBack(reused);
      for (OptionSpec o : reused.getCommandSpec().options()) {
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        options++;
        String name = o.longestName();
        boolean set = false;
        for (String[] line : lines(name, o)) {
          assertSame(reused, parsers.borrow(c, null));
          boolean differs = !state(parsed(reused, line)).equals(empty);
          parsers.giveBack(reused);
          if (differs) {
            set = true;
            break;
          }
        }
        changed += set ? 1 : 0;
        assertSame(reused, parsers.borrow(c, null));
        String after = state(parsed(reused));
        parsers.giveBack(reused);
        if (!after.equals(empty)) {
          leaks.add(c.getSimpleName() + " " + name + ": " + after + " instead of " + empty);
        }
      }
    }
    assertEquals(List.of(), leaks);
    // The test can fail: almost every option did change the command when given.
    assertTrue(
        changed > options * 9 / 10, changed + " of " + options + " options changed anything");
  }

  /** Lines that set {@code name}: the flag alone, or with one of a few plausible values. */
  private static List<String[]> lines(String name, OptionSpec o) {
    if (o.arity().max() == 0) {
      return List.<String[]>of(new String[] {name});
    }
    List<String[]> out = new ArrayList<>();
    for (String v : List.of("y", "n", "1", "4M", "7", "ey", "json", "vg/lv", "t1", "normal")) {
      out.add(new String[] {name, v});
    }
    return out;
  }

  /** The command after parsing {@code args}, with the parse's outcome (its error, if any). */
  private static Parsed parsed(CommandLine cl, String... args) {
    String outcome = "parsed";
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      // a line that does not parse leaves what it set so far: the next parse must reset it
      outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return new Parsed(cl.getCommand(), outcome);
  }

  private record Parsed(Object command, String outcome) {}

  /**
   * The parse's outcome and the values of every field of the command, its mixins and groups (not
   * the spec or session).
   */
  private static String state(Parsed p) {
    Map<String, String> out = new TreeMap<>();
    collect(p.command(), "", out);
    return p.outcome() + " " + out;
  }

  private static void collect(Object o, String prefix, Map<String, String> out) {
    for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())
            || f.isSynthetic()
            || f.getType() == CommandSpec.class
            || f.getType() == Session.class) {
          continue;
        }
        f.setAccessible(true);
        Object v;
        try {
          v = f.get(o);
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
        String key = prefix + k.getSimpleName() + "." + f.getName();
        if (v != null
            && (f.isAnnotationPresent(CommandLine.Mixin.class)
                || f.isAnnotationPresent(CommandLine.ArgGroup.class))) {
          collect(v, key + ".", out);
        } else if (v != null && v.getClass().isArray()) {
          out.put(key, Arrays.deepToString(new Object[] {v}));
        } else {
          out.put(key, String.valueOf(v));
        }
      }
    }
  }

  private CapturedCli.Outcome run(Parsers parsers, String... args) {
    return CapturedCli.run(
        parsers, Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()), "", args);
  }

  /**
   * Commands in a row on one thread, through the same reused parsers: each one answers exactly as a
   * new parser would (what the previous line asked for, help, a bad value, JSON, is not done again)
   * and prints to its own session's streams.
   */
  @Test
  void commandsInARowOnReusedParsersAnswerAsNewOnes() throws Exception {
    // Only a file of this test as a device: the machine's own devices may change meanwhile.
    Path pv = tmp.resolve("pv.img");
    Files.write(pv, new byte[1 << 20]);
    Files.writeString(
        tmp.resolve("clvm.conf"),
        "devices.devices = \""
            + pv
            + "\"\nglobal.lock_dir = \""
            + tmp.resolve("lock")
            + "\"\nbackup.backup_dir = \""
            + tmp.resolve("backup")
            + "\"\nbackup.archive_dir = \""
            + tmp.resolve("archive")
            + "\"\n");
    Parsers parsers = new Parsers();
    List<String[]> lines =
        List.of(
            new String[] {"lvs", "--help"},
            new String[] {"lvs"},
            new String[] {"vgs", "--reportformat", "json", "-o", "vg_name"},
            new String[] {"vgs"},
            new String[] {"lvcreate", "-L", "10X", "vg"},
            new String[] {"lvcreate", "-l", "1", "-n", "x", "--addtag", "t", "-y", "vg"},
            new String[] {"lvcreate", "-n", "x", "vg"},
            new String[] {"lvcreate", "vg"});
    int said = 0;
    for (String[] line : lines) {
      CapturedCli.Outcome fresh = run(null, line);
      CapturedCli.Outcome reused = run(parsers, line);
      assertEquals(fresh, reused, String.join(" ", line));
      said += reused.out().isEmpty() && reused.err().isEmpty() ? 0 : 1;
    }
    assertTrue(said >= 6, said + " of the commands printed something"); // so streams are compared
    assertEquals(3, parsers.idle(), "one parser each for lvs, vgs and lvcreate");
  }

  @Test
  void aBorrowedParserIsNotLentTwice() {
    Parsers parsers = new Parsers();
    Session s =
        new Session(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            new ByteArrayInputStream(new byte[0]),
            Map.of());
    CommandLine first = parsers.borrow(LvCommands.LvCreate.class, s);
    CommandLine second = parsers.borrow(LvCommands.LvCreate.class, s);
    assertNotEquals(first, second);
    parsers.giveBack(first);
    assertSame(first, parsers.borrow(LvCommands.LvCreate.class, s));
  }
}
