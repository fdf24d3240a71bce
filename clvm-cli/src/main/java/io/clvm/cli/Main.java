package io.clvm.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of {@code bin/clvm} and of every lvm2-style link (the launcher passes the link's name
 * as the first argument, as lvm2's {@code lvm} binary dispatches on argv[0]).
 */
public final class Main {
  private Main() {}

  /** The top-level command: {@code clvm <command>}. */
  @Command(
      name = "clvm",
      description = "Clustered LVM: lvm2's commands on lvm2's metadata, local or through clvmd.",
      subcommands = {
        ClvmCommands.Version.class,
        ClvmCommands.Config.class,
        ClvmCommands.EnableCluster.class,
        ClvmCommands.DisableCluster.class,
        ClvmCommands.InstallLinks.class,
        io.clvm.cli.cluster.ClusterCommands.class, // integ: clvm cluster status|import
        ReportCommands.Pvs.class,
        ReportCommands.Vgs.class,
        ReportCommands.Lvs.class,
        PvCommands.PvCreate.class,
        PvCommands.PvRemove.class,
        PvCommands.PvResize.class,
        PvCommands.PvChange.class,
        PvCommands.PvDisplay.class,
        PvCommands.PvScan.class,
        PvCommands.PvCk.class,
        VgCommands.VgCreate.class,
        VgCommands.VgExtend.class,
        VgCommands.VgReduce.class,
        VgCommands.VgRemove.class,
        VgCommands.VgRename.class,
        VgCommands.VgChange.class,
        VgCommands.VgCk.class,
        VgCommands.VgCfgBackup.class,
        VgCommands.VgCfgRestore.class,
        VgCommands.VgDisplay.class,
        VgCommands.VgScan.class,
        LvCommands.LvCreate.class,
        LvCommands.LvExtend.class,
        LvCommands.LvReduce.class,
        LvCommands.LvResize.class,
        LvCommands.LvRemove.class,
        LvCommands.LvRename.class,
        LvCommands.LvChange.class,
        LvCommands.LvDisplay.class,
        LvCommands.LvScan.class,
        CommandLine.HelpCommand.class
      })
  static final class Clvm implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "No command given.");
    }
  }

  public static void main(String[] args) throws java.io.IOException {
    if (Boolean.getBoolean("clvm.cdsTraining")) {
      System.exit(CdsTraining.run());
    }
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Session session = new Session(out, err, System.in, System.getenv());
    int status = run(args, session);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /** Runs one command line in {@code session}; returns lvm2's exit status. */
  public static int run(String[] args, Session session) {
    return run(args, session, null);
  }

  /**
   * Runs one command line in {@code session} with a parser from {@code parsers} (clvmd, which runs
   * many) where it has one, else a new one; returns lvm2's exit status.
   */
  public static int run(String[] args, Session session, Parsers parsers) {
    Class<?> one = args.length > 0 ? commandClass(args[0]) : null;
    boolean pooled = parsers != null && Parsers.pools(one);
    CommandLine cl = pooled ? parsers.borrow(one, session) : commandLine(one, session);
    String[] rest = cl.getCommand() instanceof Clvm ? args : shortFileOption(args[0], tail(args));
    cl.setOut(session.out());
    cl.setErr(session.err());
    cl.setParameterExceptionHandler(Main::invalidCommandLine);
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          session.error("Internal error: " + ex);
          return 5;
        });
    int status = cl.execute(rest);
    if (pooled) {
      parsers.giveBack(cl); // not after a Throwable: the parser is dropped then
    }
    return status;
  }

  /**
   * Only the command being run is built: picocli reflects over every annotated field of every class
   * it is given, and 35 commands cost tens of milliseconds of start-up for nothing. The whole tree
   * is built only for help and unknown commands.
   */
  private static CommandLine commandLine(Class<?> one, Session session) {
    return one != null
        ? newCommandLine(one, session)
        : new CommandLine(new Clvm(), factory(session));
  }

  /** A new parser for the command class {@code cls}, its command given {@code session}. */
  static CommandLine newCommandLine(Class<?> cls, Session session) {
    IFactory factory = factory(session);
    try {
      return new CommandLine(factory.create(cls), factory);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create command " + cls.getSimpleName(), e);
    }
  }

  /** The class of one command, by name, without loading the other 34. */
  static Class<?> commandClass(String name) {
    switch (name) {
      case "pvs":
        return ReportCommands.Pvs.class;
      case "vgs":
        return ReportCommands.Vgs.class;
      case "lvs":
        return ReportCommands.Lvs.class;
      default:
        for (Class<?> c : Clvm.class.getAnnotation(Command.class).subcommands()) {
          Command annotation = c.getAnnotation(Command.class);
          if (annotation != null && !"help".equals(name) && annotation.name().equals(name)) {
            return c;
          }
        }
        return null;
    }
  }

  /**
   * lvm2's {@code -f} is {@code --force} for every command but vgcfgbackup and vgcfgrestore, where
   * it is {@code -f|--file} (their force is long only). The common options give every command
   * {@code -f}; for these two it is read as {@code --file} before picocli parses.
   */
  static String[] shortFileOption(String command, String[] args) {
    if (!command.equals("vgcfgbackup") && !command.equals("vgcfgrestore")) {
      return args;
    }
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i].equals("--")) {
        break;
      }
      if (out[i].equals("-f")) {
        out[i] = "--file";
      } else if (out[i].startsWith("-f") && !out[i].startsWith("--")) {
        out[i] = "--file=" + out[i].substring(2);
      }
    }
    return out;
  }

  private static String[] tail(String[] args) {
    String[] rest = new String[args.length - 1];
    System.arraycopy(args, 1, rest, 0, rest.length);
    return rest;
  }

  /** lvm2's ENO_SUCH_CMD: {@code lvm frobnicate} exits 2, not 3. */
  static final int NO_SUCH_COMMAND = 2;

  /** lvm2's messages for a command line it cannot parse, and its status 3. */
  private static int invalidCommandLine(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    if (System.getenv("CLVM_DEBUG") != null) {
      ex.printStackTrace(err);
    }
    String name = cl.getCommandName();
    if (!(cl.getCommand() instanceof Clvm)) {
      // getopt's messages, which lvm2 prints before it looks at anything else on the line: an
      // unknown option wins over a missing argument or a missing VG.
      String problem = getoptProblem(cl.getCommandSpec(), args);
      if (problem != null) {
        err.println(name + ": " + problem);
        err.println("  Error during parsing of command line.");
        err.flush();
        return 3;
      }
    }
    OptionSpec repeated =
        ex instanceof OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec opt
            ? opt
            : repeatedOption(cl.getCommandSpec(), args);
    if (repeated != null) {
      err.println("  Option " + String.join("/", repeated.names()) + " may not be repeated.");
      err.println("  Error during parsing of command line.");
      err.flush();
      return 3;
    }
    if (ex instanceof MutuallyExclusiveArgsException
        && cl.getCommandSpec().findOption("--size") != null
        && cl.getCommandSpec().findOption("--extents") != null) {
      err.println("  Please specify either size or extents (not both).");
      err.println("  Run `" + name + " --help' for more information.");
      err.flush();
      return 3;
    }
    if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (cl.getCommand() instanceof Clvm && !first.startsWith("-")) {
        err.println("  No such command '" + first + "'.  Try 'clvm help'.");
        err.flush();
        return NO_SUCH_COMMAND;
      }
      if (first.startsWith("-")) {
        err.println(name + ": unrecognized option '" + first + "'");
        err.println("  Error during parsing of command line.");
        err.flush();
        return 3;
      }
    }
    ArgSpec arg = ex.getArgSpec();
    if (arg instanceof OptionSpec o && ex.getValue() != null) {
      String detail = ex.getCause() != null ? ex.getCause().getMessage() : null;
      if (detail == null) {
        detail = detailOf(ex.getMessage());
      }
      if (detail != null && !detail.isEmpty()) {
        err.println("  " + detail);
      }
      err.println("  Invalid argument for " + o.longestName() + ": " + ex.getValue());
      err.println("  Error during parsing of command line.");
      err.flush();
      return 3;
    }
    if (cl.getCommand() instanceof Clvm) {
      err.println("  " + ex.getMessage() + "  Try 'clvm help'.");
    } else {
      err.println(
          "  No command with matching syntax recognised.  Run '"
              + name
              + " --help' for more information.");
    }
    err.flush();
    return 3;
  }

  /**
   * What getopt_long would say about {@code args}: an unknown option ({@code unrecognized option
   * '--bogus'}, {@code invalid option -- 'X'}) or an option whose argument is missing at the end of
   * the line ({@code option '--size' requires an argument}, {@code option requires an argument --
   * 'L'}); null when every option is known and has its argument.
   */
  static String getoptProblem(CommandSpec spec, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        return null;
      }
      if (!a.startsWith("-") || a.equals("-") || isNumber(a)) {
        continue;
      }
      boolean isLong = a.startsWith("--");
      String name = isLong ? a.split("=", 2)[0] : a.substring(0, 2);
      OptionSpec o = spec.findOption(name);
      if (o == null) {
        return isLong
            ? "unrecognized option '" + a + "'"
            : "invalid option -- '" + name.substring(1) + "'";
      }
      boolean valueAttached = isLong ? a.contains("=") : a.length() > 2;
      if (o.arity().min() > 0 && !valueAttached) {
        if (i + 1 >= args.length) {
          return isLong
              ? "option '" + name + "' requires an argument"
              : "option requires an argument -- '" + name.substring(1) + "'";
        }
        i++; // the option's argument, whatever it looks like
      }
    }
    return null;
  }

  /** A single-valued option given twice ({@code -L 4M -L 8M}), or null. */
  static OptionSpec repeatedOption(CommandSpec spec, String[] args) {
    java.util.Set<OptionSpec> seen = new java.util.HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        return null;
      }
      if (!a.startsWith("-") || a.equals("-") || isNumber(a)) {
        continue;
      }
      boolean isLong = a.startsWith("--");
      OptionSpec o = spec.findOption(isLong ? a.split("=", 2)[0] : a.substring(0, 2));
      if (o == null || o.arity().min() == 0) {
        continue;
      }
      if (!o.isMultiValue() && !seen.add(o)) {
        return o;
      }
      if (isLong ? !a.contains("=") : a.length() == 2) {
        i++; // its argument
      }
    }
    return null;
  }

  private static boolean isNumber(String a) {
    return a.length() > 1 && Character.isDigit(a.charAt(1));
  }

  /** The converter's own message from picocli's "Invalid value for option '-L': 10X: msg". */
  private static String detailOf(String message) {
    if (message == null) {
      return null;
    }
    int i = message.lastIndexOf(": ");
    return i < 0 ? null : message.substring(i + 2);
  }

  private static IFactory factory(Session session) {
    IFactory fallback = CommandLine.defaultFactory();
    return new IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        try {
          Constructor<K> c = cls.getDeclaredConstructor(Session.class);
          c.setAccessible(true);
          return c.newInstance(session);
        } catch (NoSuchMethodException e) {
          return fallback.create(cls);
        }
      }
    };
  }

  /** For tests that want the process streams. */
  static Session systemSession(PrintStream out, PrintStream err, InputStream in) {
    return new Session(
        new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true),
        in,
        Map.of());
  }
}
