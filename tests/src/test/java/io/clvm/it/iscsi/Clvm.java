package io.clvm.it.iscsi;

import io.clvm.it.harness.CliResult;
import io.clvm.it.harness.InProcessCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * clvm's commands run in this JVM (local mode: the engine in-process, no daemon), with a private
 * configuration: backups, archives and locks under a scratch folder, never under /etc/clvm.
 */
final class Clvm {
  /** One command's exit status and output. */
  record Run(List<String> args, int status, String out, String err) {
    Run ok() {
      if (status != 0) {
        throw new AssertionError(
            "clvm " + String.join(" ", args) + " exited " + status + ":\n" + out + err);
      }
      return this;
    }

    @Override
    public String toString() {
      return "clvm " + String.join(" ", args) + " -> " + status + "\n" + out + err;
    }
  }

  private final Map<String, String> env;

  Clvm(Path scratch) throws IOException {
    Path conf = scratch.resolve("clvm.conf");
    Files.createDirectories(scratch.resolve("backup"));
    Files.createDirectories(scratch.resolve("archive"));
    Files.createDirectories(scratch.resolve("lock"));
    Files.writeString(
        conf,
        String.join(
            "\n",
            "global {",
            "  locking_mode = \"local\"",
            "  lock_dir = \"" + scratch.resolve("lock") + "\"",
            "}",
            "backup {",
            "  backup = 0",
            "  archive = 0",
            "  backup_dir = \"" + scratch.resolve("backup") + "\"",
            "  archive_dir = \"" + scratch.resolve("archive") + "\"",
            "}",
            ""),
        StandardCharsets.UTF_8);
    this.env =
        Map.of("CLVM_CONF", conf.toString(), "PATH", System.getenv().getOrDefault("PATH", ""));
  }

  Run run(String... args) {
    CliResult r = InProcessCli.run(env, args);
    return new Run(List.of(args), r.exit(), r.out(), r.err());
  }
}
