package io.clvm.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.clvm.cli.Session;
import io.clvm.cluster.Json;
import io.clvm.daemon.backend.ClusterCoordinator;
import io.clvm.daemon.config.ConfigException;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.daemon.health.HealthCheck;
import io.clvm.engine.EngineException;
import io.clvm.engine.config.EngineConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clvm cluster status|import|health|reload-config} (integ; obs: health, reload-config). On
 * the command line they are sent to the local clvmd like every command in cluster mode; inside
 * clvmd they read the cluster's state or import a VG.
 */
@Command(
    name = "cluster",
    description = "Cluster state and management (through clvmd).",
    subcommands = {
      ClusterCommands.Status.class,
      ClusterCommands.Import.class,
      ClusterCommands.Health.class,
      ClusterCommands.ReloadConfig.class
    })
public final class ClusterCommands implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  ClusterCommands(Session session) {}

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: status, import, health or reload-config.");
  }

  /** What both subcommands share: config, forwarding, the daemon's coordinator. */
  abstract static class Sub implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "clvm configuration file.")
    String config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    final Session session;

    Sub(Session session) {
      this.session = session;
    }

    @Override
    public final Integer call() {
      if (session.coordinator() instanceof ClusterCoordinator c) {
        try {
          return inDaemon(c);
        } catch (Exception e) {
          session.error(e.getMessage() == null ? e.toString() : e.getMessage());
          return EngineException.FAILED;
        }
      }
      EngineConfig cfg;
      try {
        cfg = EngineConfig.load(EngineConfig.choosePath(config, session.env()));
      } catch (ConfigException e) {
        session.error(e.getMessage());
        return EngineException.FAILED;
      }
      if (!cfg.clusterMode()) {
        session.error(
            "This host is in local mode ("
                + EngineConfig.LOCKING_MODE
                + " in "
                + cfg.path()
                + "): 'clvm cluster' needs cluster mode and clvmd ('clvm enable-cluster').");
        return EngineException.FAILED;
      }
      // picocli's originalArgs are the whole line after "cluster" (the subcommand's name too)
      List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
      return Forwarder.forward(session, cfg, "cluster", args);
    }

    abstract int inDaemon(ClusterCoordinator c) throws Exception;
  }

  @Command(
      name = "status",
      description = "Nodes, VGs with their committed seqno, lock holders, active LVs per node.")
  static final class Status extends Sub {
    @Option(
        names = "--reportformat",
        paramLabel = "basic|json",
        description = "Output format (json: machine-readable).")
    String format = "basic";

    Status(Session session) {
      super(session);
    }

    @Override
    int inDaemon(ClusterCoordinator c) throws Exception {
      session.report(c.backend().status("json".equals(format)));
      return 0;
    }
  }

  @Command(
      name = "import",
      description = "Bring an existing (local or lvm2) VG under cluster management.")
  static final class Import extends Sub {
    @Parameters(index = "0", paramLabel = "VG")
    String vg;

    Import(Session session) {
      super(session);
    }

    @Override
    int inDaemon(ClusterCoordinator c) throws Exception {
      long seqno = c.backend().importVg(vg, "cluster import " + vg);
      session.print(
          "Volume group \""
              + vg
              + "\" is now managed by cluster "
              + c.backend().config().clusterName()
              + " (seqno "
              + seqno
              + ").");
      return 0;
    }
  }

  /** The local config for a request of its own type, or null after printing why not. */
  static EngineConfig clusterConfig(Session session, String config) {
    try {
      return EngineConfig.load(EngineConfig.choosePath(config, session.env()));
    } catch (ConfigException e) {
      session.error(e.getMessage());
      return null;
    }
  }

  /**
   * {@code clvm cluster health [--reportformat json]}: exit 0 healthy, 1 degraded, 2 fenced, 4 not
   * connected (docs/observability.md). Sent as a request of its own (not a command line), so that a
   * probe is cheap and works while ZooKeeper is down.
   */
  @Command(
      name = "health",
      description =
          "Health check for systemd and probes: exit 0 healthy, 1 degraded, 2 fenced (this node has"
              + " fenced LVs), 4 not connected (no clvmd or no ZooKeeper).")
  static final class Health implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "clvm configuration file.")
    String config;

    @Option(
        names = "--reportformat",
        paramLabel = "basic|json",
        description = "Output format (json: machine-readable).")
    String format = "basic";

    final Session session;

    Health(Session session) {
      this.session = session;
    }

    @Override
    public Integer call() {
      if (!format.equals("basic") && !format.equals("json")) {
        session.error("Invalid --reportformat " + format + ": basic or json.");
        return EngineException.INVALID;
      }
      JsonNode report;
      if (session.coordinator() instanceof ClusterCoordinator c) {
        DaemonConfig dc = c.backend().config();
        report =
            new HealthCheck(
                    c.backend().cluster(),
                    dc.clusterName(),
                    dc.healthLag(),
                    dc.healthExpectedNodes())
                .check();
      } else {
        EngineConfig cfg = clusterConfig(session, config);
        if (cfg == null) {
          return EngineException.FAILED;
        }
        String cluster = cfg.explicit("cluster.name").orElse("clvm");
        if (!cfg.clusterMode()) {
          report =
              HealthCheck.notConnected(
                  cluster,
                  "this host is in local mode ("
                      + EngineConfig.LOCKING_MODE
                      + " in "
                      + cfg.path()
                      + "): not part of a cluster");
        } else {
          try {
            ControlResponse r =
                ControlClient.send(
                    cfg.socketPath(), ControlRequest.of(ControlProtocol.TYPE_HEALTH));
            if (r.data() == null) {
              Forwarder.print(session, r);
              return r.exitCode() == 0 ? EngineException.FAILED : r.exitCode();
            }
            report = r.data();
          } catch (IOException | RuntimeException e) {
            report =
                HealthCheck.notConnected(
                    cluster,
                    "clvmd cannot be reached at " + cfg.socketPath() + ": " + e.getMessage());
          }
        }
      }
      if (format.equals("json")) {
        try {
          session.report(
              Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
        } catch (IOException e) {
          session.error(e.getMessage());
          return EngineException.FAILED;
        }
      } else {
        session.report(HealthCheck.text(report));
      }
      return HealthCheck.exitCode(report);
    }
  }

  /**
   * {@code clvm cluster reload-config}: clvmd re-reads clvm.conf and applies the log levels (what
   * {@code systemctl reload clvmd} runs; clvmd also does it by itself when the file changes).
   */
  @Command(
      name = "reload-config",
      description =
          "Make clvmd re-read clvm.conf now: log levels take effect at once, other keys at the"
              + " next restart.")
  static final class ReloadConfig implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "clvm configuration file.")
    String config;

    final Session session;

    ReloadConfig(Session session) {
      this.session = session;
    }

    @Override
    public Integer call() {
      if (session.coordinator() instanceof ClusterCoordinator) {
        session.error("clvm cluster reload-config is sent to clvmd from the command line only.");
        return EngineException.FAILED;
      }
      EngineConfig cfg = clusterConfig(session, config);
      if (cfg == null) {
        return EngineException.FAILED;
      }
      if (!cfg.clusterMode()) {
        session.error(
            "This host is in local mode ("
                + EngineConfig.LOCKING_MODE
                + " in "
                + cfg.path()
                + "): there is no clvmd to reload.");
        return EngineException.FAILED;
      }
      ControlResponse r;
      try {
        r =
            ControlClient.send(
                cfg.socketPath(), ControlRequest.of(ControlProtocol.TYPE_RELOAD_CONFIG));
      } catch (IOException | RuntimeException e) {
        session.error(Forwarder.unreachable(cfg, e));
        return ControlProtocol.EXIT_FAILED;
      }
      Forwarder.print(session, r);
      return r.exitCode();
    }
  }
}
