package io.clvm.cli;

import io.clvm.engine.Console;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One invocation's streams and environment: what the commands print to and read from. Tests give
 * their own writers; {@link Main} gives the process's.
 */
public final class Session implements Console {
  private final PrintWriter out;
  private final PrintWriter err;
  private final InputStream in;
  private final boolean interactive;
  private final Map<String, String> env;
  private boolean yes;
  // integ: set when clvmd runs this command for a client: the daemon's configuration and its
  // cluster coordinator (cluster locks, commits, activation).
  private io.clvm.engine.config.EngineConfig daemonConfig;
  private io.clvm.engine.Coordinator coordinator;
  private io.clvm.engine.Activator.Opener deviceMapper;

  public Session(
      PrintWriter out,
      PrintWriter err,
      InputStream in,
      boolean interactive,
      Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.interactive = interactive;
    this.env = env;
  }

  /** integ: this session runs inside clvmd, with its configuration and coordinator. */
  public Session inDaemon(
      io.clvm.engine.config.EngineConfig config, io.clvm.engine.Coordinator coordinator) {
    this.daemonConfig = config;
    this.coordinator = coordinator;
    return this;
  }

  /** Local mode with another device-mapper than the kernel's (tests: the in-memory one). */
  public Session withDeviceMapper(io.clvm.engine.Activator.Opener opener) {
    this.deviceMapper = opener;
    return this;
  }

  /** The device-mapper set by {@link #withDeviceMapper}, else null (the kernel's). */
  io.clvm.engine.Activator.Opener deviceMapper() {
    return deviceMapper;
  }

  /** The daemon's configuration when running inside clvmd, else null. */
  public io.clvm.engine.config.EngineConfig daemonConfig() {
    return daemonConfig;
  }

  /** The cluster coordinator when running inside clvmd, else null. */
  public io.clvm.engine.Coordinator coordinator() {
    return coordinator;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public Map<String, String> env() {
    return env;
  }

  /** {@code -y/--yes}: every question answered yes. */
  void assumeYes(boolean y) {
    this.yes = y;
  }

  @Override
  public void print(String message) {
    for (String line : message.split("\n", -1)) {
      out.println("  " + line);
    }
    out.flush();
  }

  @Override
  public void report(String text) {
    out.print(text);
    out.flush();
  }

  @Override
  public void warn(String message) {
    err.println("  WARNING: " + message);
    err.flush();
  }

  @Override
  public void error(String message) {
    for (String line : message.split("\n", -1)) {
      err.println("  " + line);
    }
    err.flush();
  }

  @Override
  public boolean confirm(String question) {
    if (yes) {
      return true;
    }
    out.print(question + " [y/n]: ");
    out.flush();
    if (!interactive) {
      // lvm2 reads the answer from a terminal; with none (a script, a pipe) clvm refuses rather
      // than guess, and says so: -y answers yes.
      out.println("[n]");
      out.flush();
      err.println("  No terminal to answer the question: use -y to answer yes.");
      err.flush();
      return false;
    }
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String answer = r.readLine();
      return answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
    } catch (IOException e) {
      return false;
    }
  }
}
