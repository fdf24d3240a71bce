package io.clvm.cli.cluster;

import io.clvm.cli.Main;
import io.clvm.cli.Session;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.daemon.DaemonBackend;
import io.clvm.daemon.backend.ClusterBackend;
import io.clvm.daemon.backend.ClusterCoordinator;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.CommandExecutor;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * clvmd's command engine (integ), found by {@link java.util.ServiceLoader} when clvmd runs with
 * clvm-cli on its class path (bin/clvmd does): a command from the control socket is parsed by the
 * same picocli commands as on the command line and run by the same engine, in cluster mode (a
 * {@link ClusterCoordinator} for locks, commits and activation). Its output and exit code go back
 * to the client verbatim.
 */
public final class CliDaemonBackend implements DaemonBackend {
  /** Commands after which the user sees {@code applied on N/M nodes}. */
  static final Set<String> REPORTS_PROPAGATION = Set.of("lvextend", "lvreduce", "lvresize");

  private ClusterBackend backend;

  private ClusterBackend backend(DaemonConfig config) throws IOException {
    if (backend == null) {
      backend = new ClusterBackend(config);
    }
    return backend;
  }

  @Override
  public MetadataDisks metadataDisks(DaemonConfig config) throws IOException {
    return backend(config).metadataDisks();
  }

  @Override
  public ApplyCallback applyCallback(DaemonConfig config) throws IOException {
    return backend(config).applyCallback();
  }

  @Override
  public LocalTables localTables(DaemonConfig config) throws IOException {
    return backend(config).localTables();
  }

  @Override
  public CommandExecutor commandExecutor(DaemonConfig config, ClusterNode cluster)
      throws IOException {
    ClusterBackend b = backend(config);
    b.attach(cluster);
    return (request, peer) -> execute(b, request);
  }

  /** Runs one forwarded command line. */
  static ControlResponse execute(ClusterBackend b, ControlRequest request) {
    List<String> argv = new ArrayList<>();
    argv.add(request.command());
    if (request.argv() != null) {
      argv.addAll(request.argv());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    Map<String, String> env = request.env() == null ? Map.of() : request.env();
    ClusterCoordinator coordinator = b.coordinator(String.join(" ", argv));
    Session session =
        new Session(o, e, InputStream.nullInputStream(), false, env)
            .inDaemon(b.engineConfig(), coordinator);
    int status = Main.run(argv.toArray(new String[0]), session);
    coordinator.finish(session, REPORTS_PROPAGATION.contains(request.command()));
    o.flush();
    e.flush();
    return new ControlResponse(
        ControlProtocol.VERSION, status, out.toString(), err.toString(), null);
  }

  @Override
  public void close() {
    if (backend != null) {
      backend.close();
    }
  }
}
