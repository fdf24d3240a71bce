package io.clvm.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A command line run through the CLI's real entry point ({@link Main#run}) in the test's JVM, with
 * the given environment and standard input, its exit code and output captured: what {@code
 * bin/clvm} would do, without a JVM per command.
 */
public final class CapturedCli {
  private CapturedCli() {}

  /** One run's exit code, standard output and standard error. */
  public record Outcome(int exit, String out, String err) {}

  public static Outcome run(Map<String, String> env, String stdin, String... args) {
    return run(null, env, stdin, args);
  }

  /** Like {@link #run(Map, String, String...)}, with {@code parsers} as clvmd gives them. */
  public static Outcome run(
      Parsers parsers, Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            env);
    return new Outcome(Main.run(args, s, parsers), out.toString(), err.toString());
  }
}
