package io.clvm.it.harness;

import io.clvm.cli.Main;
import io.clvm.cli.Session;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs {@code clvm args...} through the CLI's real entry point inside the test JVM, as {@code
 * bin/clvm} would with the given environment; in cluster mode that forwards to the clvmd the
 * configuration names. No client JVM per command: the tests run hundreds of them.
 */
public final class InProcessCli {
  private InProcessCli() {}

  /** {@code clvm args...} with {@code CLVM_CONF=config} and nothing else in the environment. */
  public static CliResult run(Path config, String... args) {
    return run(Map.of("CLVM_CONF", config.toString()), args);
  }

  public static CliResult run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session s =
        new Session(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            env);
    int exit = Main.run(args, s);
    return new CliResult(exit, out.toString(), err.toString());
  }

  /**
   * Like {@link #run}, failing the test unless the command succeeds; {@code who} names the node.
   */
  public static CliResult ok(String who, Path config, String... args) {
    CliResult r = run(config, args);
    if (!r.ok()) {
      throw new AssertionError(who + ": clvm " + String.join(" ", args) + ": " + r);
    }
    return r;
  }
}
