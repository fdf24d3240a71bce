package io.clvm.it.iscsi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in the guest and waits for it, with a time limit: process creation is slow in UML
 * (a fraction of a second each), so the fixture batches its shell steps into one {@code sh -c}.
 */
final class Proc {
  private Proc() {}

  /** What a program printed (stdout and stderr together) and its exit status. */
  record Result(int status, String output) {
    Result orThrow(String what) {
      if (status != 0) {
        throw new IllegalStateException(what + " failed (exit " + status + "):\n" + output);
      }
      return this;
    }
  }

  /**
   * Runs {@code command}, failing after {@code seconds}. Every program runs in a session of its own
   * ({@code setsid}), so that a daemon signalling its process group never hits the test JVM.
   */
  static Result run(long seconds, List<String> command) throws IOException {
    command = setsid(command);
    Path out = Files.createTempFile("proc", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      boolean done;
      try {
        done = p.waitFor(seconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = false;
      }
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(
            "timed out after "
                + seconds
                + " s: "
                + String.join(" ", command)
                + "\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs a shell script ({@code sh -c}, with {@code set -e}). */
  static Result sh(long seconds, String script) throws IOException {
    return run(seconds, List.of("/bin/sh", "-c", "set -e\n" + script));
  }

  /** Starts a long-running program, its output going to {@code log}. */
  static Process start(Path log, List<String> command) throws IOException {
    return new ProcessBuilder(setsid(command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
  }

  private static List<String> setsid(List<String> command) {
    List<String> c = new java.util.ArrayList<>();
    c.add("setsid");
    c.addAll(command);
    return c;
  }

  /** Stops {@code p} (SIGTERM, then SIGKILL after {@code seconds}) and waits for it. */
  static void stop(Process p, long seconds) {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(seconds, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
