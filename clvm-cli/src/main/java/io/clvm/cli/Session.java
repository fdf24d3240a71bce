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
  private final Map<String, String> env;
  private boolean yes;
  // integ: set when clvmd runs this command for a client: the daemon's configuration and its
  // cluster coordinator (cluster locks, commits, activation).
  private io.clvm.engine.config.EngineConfig daemonConfig;
  private io.clvm.engine.Coordinator coordinator;
  private io.clvm.engine.Activator.Opener deviceMapper;

  public Session(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.in = in;
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
    // lvm2's yes_no_prompt: the question on standard error, the answer read from standard input
    // whether or not it is a terminal (scripts pipe "y" in); y, yes, n or no in any case, blanks
    // around it ignored; anything else is warned about and asked again; end of input is "no",
    // shown as [n]. A last line without its newline is not an answer, as in lvm2.
    while (true) {
      err.print(question + " [y/n]: ");
      err.flush();
      Answer a = readAnswer();
      if (a == null) {
        err.println("[n]");
        err.flush();
        return false;
      }
      String word = a.text().strip();
      String lower = word.toLowerCase(java.util.Locale.ROOT);
      if (a.complete() && (lower.equals("y") || lower.equals("yes"))) {
        return true;
      }
      if (a.complete() && (lower.equals("n") || lower.equals("no"))) {
        return false;
      }
      err.println("  WARNING: Invalid input '" + word + "'.");
    }
  }

  /** One line typed in answer; {@code complete} when it ended with a newline. */
  private record Answer(String text, boolean complete) {}

  private BufferedReader answers;

  /** The next line of standard input, or null at its end. */
  private Answer readAnswer() {
    if (answers == null) {
      // one reader for the session: a second question must not lose what the first read ahead
      answers = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    StringBuilder line = new StringBuilder();
    try {
      int c;
      while ((c = answers.read()) != -1) {
        if (c == '\n') {
          return new Answer(line.toString(), true);
        }
        line.append((char) c);
      }
    } catch (IOException e) {
      // an unreadable input answers nothing, as its end does
    }
    return line.length() == 0 ? null : new Answer(line.toString(), false);
  }
}
