package io.clvm.daemon;

import io.clvm.daemon.config.ConfigException;
import io.clvm.daemon.config.ConfigParser;
import io.clvm.daemon.config.DaemonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code bin/clvmd}: {@code clvmd [--config FILE] [--node-id ID]}. Runs in the
 * foreground until SIGTERM/SIGINT (systemd's stop), then shuts down gracefully. The configuration
 * is clvm.conf, shared with the CLI: {@code --config}, else {@code $CLVM_CONF}, else
 * /etc/clvm/clvm.conf; a missing default file means all defaults (embedded ZooKeeper).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final Path DEFAULT_CONFIG = Path.of("/etc/clvm/clvm.conf");
  private static final String USAGE =
      "usage: clvmd [--config FILE] [--node-id ID]\n"
          + "  Runs the clvm daemon in the foreground. Keys: see docs/cluster-protocol.md.\n";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  /** Exit code: 0 after a clean shutdown, 2 on bad usage or configuration, 5 if start failed. */
  static int run(String[] args, Map<String, String> env) {
    return run(args, env, Daemon::start);
  }

  /** How {@link #run} starts the daemon (a seam for tests). */
  @FunctionalInterface
  interface Starter {
    Daemon start(DaemonConfig config) throws Exception;
  }

  static int run(String[] args, Map<String, String> env, Starter starter) {
    String configOption = null;
    String nodeId = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config", "-f" -> configOption = i + 1 < args.length ? args[++i] : null;
        case "--node-id" -> nodeId = i + 1 < args.length ? args[++i] : null;
        case "--help", "-h" -> {
          System.out.print(USAGE);
          return 0;
        }
        case "--version" -> {
          System.out.println("clvmd " + Daemon.VERSION);
          return 0;
        }
        default -> {
          System.err.print("clvmd: unknown argument " + args[i] + "\n" + USAGE);
          return 2;
        }
      }
    }
    DaemonConfig config;
    try {
      config = loadConfig(configOption, env, nodeId);
    } catch (ConfigException e) {
      System.err.println("clvmd: " + e.getMessage());
      return 2;
    }
    Daemon daemon;
    try {
      daemon = starter.start(config);
    } catch (Throwable e) {
      // Errors too (NoClassDefFoundError from a backend...): Daemon.start has closed what it
      // started, and main's System.exit(5) ends the JVM despite any non-daemon thread left.
      LOG.error("clvmd could not start: {}", e.toString(), e);
      String why = e instanceof Exception && e.getMessage() != null ? e.getMessage() : e.toString();
      System.err.println("clvmd: could not start: " + why);
      return 5;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "clvm-shutdown"));
    Path file = configPath(configOption, env);
    if (Files.isRegularFile(file)) {
      try {
        daemon.watchConfig(file);
      } catch (IOException e) {
        LOG.warn(
            "cannot watch {} for changes ({}): use clvm cluster reload-config", file, e.toString());
      }
    }
    try {
      daemon.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      daemon.close();
    }
    return 0;
  }

  /** The configuration file: {@code --config}, else $CLVM_CONF, else /etc/clvm/clvm.conf. */
  static Path configPath(String option, Map<String, String> env) {
    if (option != null) {
      return Path.of(option);
    } else if (env.get("CLVM_CONF") != null && !env.get("CLVM_CONF").isEmpty()) {
      return Path.of(env.get("CLVM_CONF"));
    }
    return DEFAULT_CONFIG;
  }

  static DaemonConfig loadConfig(String option, Map<String, String> env, String nodeId)
      throws ConfigException {
    Path path = configPath(option, env);
    boolean explicit = option != null || !path.equals(DEFAULT_CONFIG);
    Map<String, String> values = new LinkedHashMap<>();
    try {
      values.putAll(
          ConfigParser.parse(Files.readString(path, StandardCharsets.UTF_8), path.toString()));
    } catch (NoSuchFileException e) {
      if (explicit) {
        throw new ConfigException("config file " + path + " does not exist");
      }
      LOG.info("no {}: using defaults (embedded ZooKeeper)", path);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    if (nodeId != null) {
      values.put("node.id", nodeId);
    }
    return DaemonConfig.of(values);
  }
}
