package io.clvm.cli.cluster;

import io.clvm.cli.Session;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.engine.config.EngineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cluster mode on the CLI's side: the command goes to the local clvmd over its control socket, and
 * the daemon's output and exit code become this process's. When the daemon cannot be reached the
 * command fails (exit 5) with a message saying so: cluster mode never falls back to local locking.
 */
public final class Forwarder {
  private Forwarder() {}

  /** Sends {@code command args} to clvmd and prints its answer; returns its exit code. */
  public static int forward(
      Session session, EngineConfig config, String command, List<String> args) {
    Path socket = config.socketPath();
    Map<String, String> env = new TreeMap<>();
    session
        .env()
        .forEach(
            (k, v) -> {
              if (k.startsWith("LVM_") || k.startsWith("CLVM_")) {
                env.put(k, v);
              }
            });
    ControlRequest request =
        ControlRequest.command(command, args, System.getProperty("user.dir"), env);
    ControlResponse response;
    try {
      response = ControlClient.send(socket, request);
    } catch (ControlClient.NoAnswerException e) {
      // Sent, but not answered: "nothing was changed" would be a guess.
      session.error(e.getMessage());
      return ControlProtocol.EXIT_FAILED;
    } catch (IOException | RuntimeException e) {
      session.error(unreachable(config, e));
      return ControlProtocol.EXIT_FAILED;
    }
    print(session, response);
    return response.exitCode();
  }

  /** The daemon's stdout and stderr, verbatim. */
  static void print(Session session, ControlResponse response) {
    if (response.stdout() != null && !response.stdout().isEmpty()) {
      session.out().print(response.stdout());
      session.out().flush();
    }
    if (response.stderr() != null && !response.stderr().isEmpty()) {
      session.err().print(response.stderr());
      session.err().flush();
    }
  }

  static String unreachable(EngineConfig config, Exception e) {
    return "Cluster mode is configured ("
        + EngineConfig.LOCKING_MODE
        + " = \"cluster\" in "
        + config.path()
        + ") but clvmd cannot be reached at "
        + config.socketPath()
        + ": "
        + e.getMessage()
        + "\nStart clvmd, or switch this host back to local mode with 'clvm disable-cluster'."
        + " Nothing was changed.";
  }
}
