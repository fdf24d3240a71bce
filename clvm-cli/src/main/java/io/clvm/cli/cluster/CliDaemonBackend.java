package io.clvm.cli.cluster;

import io.clvm.cli.Main;
import io.clvm.cli.Parsers;
import io.clvm.cli.Session;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.daemon.DaemonBackend;
import io.clvm.daemon.backend.ClusterBackend;
import io.clvm.daemon.backend.ClusterCoordinator;
import io.clvm.daemon.backend.RemoteRequests;
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

  /** The commands with {@link RemoteOptions} ({@code --node}, {@code --all-nodes}). */
  public static final Set<String> TAKES_NODE_OPTIONS = Set.of("lvchange", "vgchange");

  private ClusterBackend backend;
  private RemoteRequests requests;

  /** The commands' parsers, reused from one request to the next. */
  private final Parsers parsers = new Parsers();

  /** The device-mapper tests give this daemon (null: the configured one). */
  private final io.clvm.dm.DeviceMapper deviceMapper;

  public CliDaemonBackend() {
    this(null);
  }

  /**
   * With {@code deviceMapper} instead of the configured device-mapper: tests hand one in-memory
   * device-mapper to a clvmd and to the one restarted after it, so devices outlive the process.
   */
  public CliDaemonBackend(io.clvm.dm.DeviceMapper deviceMapper) {
    this.deviceMapper = deviceMapper;
  }

  private ClusterBackend backend(DaemonConfig config) throws IOException {
    if (backend == null) {
      backend = new ClusterBackend(config, deviceMapper);
    }
    return backend;
  }

  /** The engine's side of this daemon, once started (tests look at its device-mapper tables). */
  public ClusterBackend clusterBackend() {
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
    requests =
        new RemoteRequests(
            cluster.client(), cluster.layout().root(), cluster.nodeId(), r -> execute(b, r));
    requests.start();
    RemoteRequests remote = requests;
    return (request, peer) -> dispatch(b, remote, request);
  }

  /**
   * {@code --node NODE} / {@code --all-nodes}: taken off the command line here, and the command
   * sent to those nodes (this one runs its own part directly); every node's output is shown under
   * its name, and the exit code is the worst of them.
   */
  private ControlResponse dispatch(ClusterBackend b, RemoteRequests remote, ControlRequest request)
      throws Exception {
    List<String> argv = request.argv() == null ? List.of() : request.argv();
    if (!TAKES_NODE_OPTIONS.contains(request.command())) {
      // Other commands have no --node: their parser refuses it (exit 3), as the Java CLI's own
      // check did before forwarding; a thin client forwards without that check.
      return execute(b, request);
    }
    List<String> rest = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    boolean all = false;
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("--all-nodes")) {
        all = true;
      } else if (a.equals("--node") && i + 1 < argv.size()) {
        targets.add(argv.get(++i));
      } else if (a.startsWith("--node=")) {
        targets.add(a.substring("--node=".length()));
      } else {
        rest.add(a);
      }
    }
    if (!all && targets.isEmpty()) {
      return execute(b, request);
    }
    List<String> live = new ArrayList<>();
    b.cluster().registry().list().forEach(n -> live.add(n.node()));
    if (all) {
      targets = live;
    }
    ControlRequest stripped =
        ControlRequest.command(request.command(), rest, request.cwd(), request.env());
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    int status = 0;
    for (String node : targets) {
      ControlResponse r;
      if (!live.contains(node)) {
        r =
            ControlResponse.error(
                ControlProtocol.EXIT_FAILED,
                "  node "
                    + node
                    + " is not in the cluster (nodes: "
                    + String.join(", ", live)
                    + ")");
      } else if (node.equals(b.cluster().nodeId())) {
        r = execute(b, stripped);
      } else {
        r = remote.send(node, stripped, b.config().lockTimeout());
      }
      out.append(r.stdout() == null ? "" : r.stdout());
      err.append(r.stderr() == null ? "" : r.stderr());
      if (r.exitCode() == 0) {
        out.append("  ")
            .append(request.command())
            .append(" done on node ")
            .append(node)
            .append('\n');
      } else {
        err.append("  ")
            .append(request.command())
            .append(" failed on node ")
            .append(node)
            .append(" (exit ")
            .append(r.exitCode())
            .append(")\n");
      }
      status = Math.max(status, r.exitCode());
    }
    return new ControlResponse(
        ControlProtocol.VERSION, status, out.toString(), err.toString(), null);
  }

  /** Runs one forwarded command line. */
  private ControlResponse execute(ClusterBackend b, ControlRequest request) {
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
        new Session(o, e, InputStream.nullInputStream(), env)
            .inDaemon(b.engineConfig(), coordinator);
    int status = Main.run(argv.toArray(new String[0]), session, parsers);
    coordinator.finish(session, REPORTS_PROPAGATION.contains(request.command()));
    o.flush();
    e.flush();
    return new ControlResponse(
        ControlProtocol.VERSION, status, out.toString(), err.toString(), null);
  }

  @Override
  public void close() {
    if (requests != null) {
      requests.close();
    }
    if (backend != null) {
      backend.close();
    }
  }
}
