package io.clvm.cli.cluster;

import io.clvm.cli.Session;
import io.clvm.daemon.backend.ClusterCoordinator;
import io.clvm.daemon.config.ConfigException;
import io.clvm.engine.EngineException;
import io.clvm.engine.config.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clvm cluster status|import} (integ). On the command line they are sent to the local clvmd
 * like every command in cluster mode; inside clvmd they read the cluster's state or import a VG.
 */
@Command(
    name = "cluster",
    description = "Cluster state and management (through clvmd).",
    subcommands = {ClusterCommands.Status.class, ClusterCommands.Import.class})
public final class ClusterCommands implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  ClusterCommands(Session session) {}

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: status or import.");
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
}
