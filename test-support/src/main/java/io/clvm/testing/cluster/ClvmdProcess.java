package io.clvm.testing.cluster;

import io.clvm.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One clvmd as a separate JVM started from the test's own class path ({@code io.clvm.daemon.Main
 * --config FILE}), its output appended to a log file, and the ways a test ends or freezes it:
 * SIGTERM (graceful), SIGKILL (a crash: no goodbye to ZooKeeper), SIGSTOP/SIGCONT (a stale writer
 * frozen wherever it was).
 */
public final class ClvmdProcess {
  /**
   * The JVM options of the tests' daemons: a small heap and C1 only, so that three daemons and the
   * test JVM fit on a shared 2-core machine.
   */
  public static final List<String> SMALL_JVM =
      List.of("-Xmx160m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final String name;
  private final Path socket;
  private final Path log;
  private final Process process;
  private boolean paused;

  private ClvmdProcess(String name, Path socket, Path log, Process process) {
    this.name = name;
    this.socket = socket;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts clvmd with {@code config} (which names {@code socket}); a stale socket file is removed
   * first, so that {@link #awaitSocket} waits for this daemon's. With {@code ownSession} it runs
   * under {@code setsid}, so that a daemon signalling its process group never hits the test JVM.
   */
  public static ClvmdProcess start(
      String name, Path config, Path socket, Path log, List<String> jvmOptions, boolean ownSession)
      throws IOException {
    Files.deleteIfExists(socket);
    List<String> cmd = new ArrayList<>();
    if (ownSession) {
      cmd.add("setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.clvm.daemon.Main",
            "--config",
            config.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new ClvmdProcess(name, socket, log, p);
  }

  /** Waits until the daemon has opened its socket; fails at once, with its log, if it exited. */
  public void awaitSocket(Duration timeout) {
    Await.until(
        "clvmd " + name + " to open its socket (log: " + log + ")",
        timeout,
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("clvmd " + name + " exited:\n" + LogTail.of(log, 40));
          }
          return Files.exists(socket);
        });
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL (a paused daemon is continued first, so that it can die). */
  public void kill() throws InterruptedException {
    continueIfPaused();
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("clvmd " + name + " did not die on SIGKILL");
    }
  }

  /**
   * SIGTERM, the daemon's graceful shutdown (its session closed, its ephemerals gone); SIGKILL if
   * it still runs after {@code grace}.
   */
  public void stop(Duration grace) throws InterruptedException {
    terminate();
    awaitTerminated(grace);
  }

  /** Sends SIGTERM without waiting (so that several daemons stop in parallel). */
  void terminate() {
    continueIfPaused();
    process.destroy();
  }

  /** Waits {@code grace} for the end of a terminated daemon, then kills it. */
  void awaitTerminated(Duration grace) throws InterruptedException {
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Whether the daemon exited by itself (e.g. halted by a fail point) within {@code timeout}. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** SIGSTOP: the classic stale writer, frozen wherever it was. */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  private synchronized void continueIfPaused() {
    if (paused && process.isAlive()) {
      resume();
    }
    paused = false;
  }

  private void signal(String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
      if (!k.waitFor(30, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new AssertionError("kill -" + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  @Override
  public String toString() {
    return "clvmd " + name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
