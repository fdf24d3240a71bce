package io.clvm.cli;

import io.clvm.daemon.config.ConfigException;
import io.clvm.engine.Engine;
import io.clvm.engine.EngineException;
import io.clvm.engine.config.EngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * An lvm2 command: loads the configuration, refuses to run locally in cluster mode (never a silent
 * fallback), and maps engine failures to lvm2's messages and exit codes.
 */
abstract class LvmCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();

  @Spec CommandSpec spec;

  /** This use's streams and environment: a parser reused by clvmd binds each command's own. */
  protected Session session;

  LvmCommand(Session session) {
    this.session = session;
  }

  /** Binds the session of the next use ({@link Parsers}). */
  final void bind(Session session) {
    this.session = session;
  }

  @Override
  public final Integer call() {
    session.assumeYes(common.yes);
    if (common.config != null
        && session.daemonConfig() == null
        && !Files.exists(Path.of(common.config))) {
      // Only the default file may be missing (all defaults): a file named on the command line
      // that is not there is a typo, not a request for the defaults.
      session.error("Configuration file " + common.config + " (--config) does not exist.");
      session.error("Run `" + spec.name() + " --help' for more information.");
      return EngineException.INVALID;
    }
    EngineConfig config;
    try {
      config =
          session.daemonConfig() != null
              ? session.daemonConfig() // integ: inside clvmd, the daemon's configuration
              : EngineConfig.load(EngineConfig.choosePath(common.config, session.env()));
    } catch (ConfigException e) {
      session.error(e.getMessage());
      return EngineException.FAILED;
    }
    if (config.clusterMode() && session.coordinator() == null) {
      return clusterMode(config);
    }
    List<String> devices = new ArrayList<>(common.devices);
    if (devices.isEmpty()) {
      devices.addAll(config.devices());
    }
    Engine engine =
        new Engine(config, session, devices).withCommandLine(commandLine()).withTest(common.test);
    if (session.deviceMapper() != null) {
      engine.withDeviceMapper(session.deviceMapper());
    }
    if (session.coordinator() != null) {
      engine.withCoordinator(session.coordinator()); // integ: cluster mode inside clvmd
    }
    try {
      return run(engine);
    } catch (EngineException e) {
      session.error(e.getMessage());
      if (e.exitStatus() == EngineException.INVALID) {
        // lvm2's two endings of an invalid command line: a bad option value is a parse error, the
        // rest (found by the command itself) points at its --help.
        session.error(
            e.getMessage().startsWith("Invalid argument for --")
                ? "Error during parsing of command line."
                : "Run `" + spec.name() + " --help' for more information.");
      }
      return e.exitStatus();
    }
  }

  /** The command's work in local mode. */
  abstract int run(Engine engine) throws EngineException;

  private int clusterMode(EngineConfig config) {
    if (!Files.exists(config.socketPath())) {
      session.error(
          "Cluster mode is configured ("
              + EngineConfig.LOCKING_MODE
              + " = \"cluster\" in "
              + config.path()
              + ") but clvmd is not running: no socket at "
              + config.socketPath()
              + ".\nStart clvmd, or switch this host back to local mode with 'clvm"
              + " disable-cluster'.");
      return EngineException.FAILED;
    }
    // integ: every command goes to the local clvmd; never a fallback to local locking.
    List<String> args = new ArrayList<>();
    if (spec.commandLine() != null && spec.commandLine().getParseResult() != null) {
      args.addAll(spec.commandLine().getParseResult().originalArgs());
    }
    return io.clvm.cli.cluster.Forwarder.forward(session, config, spec.name(), args);
  }

  /** The command line as lvm2 records it in the metadata's description. */
  private String commandLine() {
    StringBuilder b = new StringBuilder(spec.name());
    if (spec.commandLine() != null && spec.commandLine().getParseResult() != null) {
      for (String a : spec.commandLine().getParseResult().originalArgs()) {
        b.append(' ').append(a);
      }
    }
    return b.toString();
  }

  /** A display command's {@code --units}, lvm2's default when not given. */
  static io.clvm.engine.units.Units displayUnits(String spec) throws EngineException {
    try {
      return io.clvm.engine.units.Units.parseOrDefault(spec);
    } catch (IllegalArgumentException e) {
      throw new EngineException(e.getMessage(), EngineException.INVALID);
    }
  }

  /** The command's name as the user typed it (lvs, lvcreate...). */
  String name() {
    return spec.name();
  }
}
