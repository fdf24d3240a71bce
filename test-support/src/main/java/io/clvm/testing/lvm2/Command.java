package io.clvm.testing.lvm2;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs an external command and captures its exit code and output. */
final class Command {
  private Command() {}

  /** Exit code, standard output and standard error of a finished command. */
  record Output(int exitCode, String stdout, String stderr) {}

  static Output run(List<String> argv, Map<String, String> env, long timeoutSeconds) {
    return run(argv, env, timeoutSeconds, "");
  }

  /** As {@link #run(List, Map, long)}, with {@code stdin} as the command's standard input. */
  static Output run(List<String> argv, Map<String, String> env, long timeoutSeconds, String stdin) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    try {
      Process p = pb.start();
      try (java.io.OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the command exited before it read everything: its output says what it made of it
      }
      // Both pipes are drained concurrently, or a chatty command blocks on a full pipe.
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "timed out after " + timeoutSeconds + " s: " + String.join(" ", argv));
      }
      return new Output(p.exitValue(), out.get(), err.get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading output of " + String.join(" ", argv), e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
