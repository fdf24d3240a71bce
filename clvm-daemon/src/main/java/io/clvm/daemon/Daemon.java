package io.clvm.daemon;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.EmbeddedZooKeeper;
import io.clvm.cluster.ZooKeeperClients;
import io.clvm.cluster.commit.CommitSettings;
import io.clvm.cluster.commit.CommitStep;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.daemon.control.ControlServer;
import io.clvm.daemon.health.HealthCheck;
import io.clvm.daemon.logging.LogLevels;
import io.clvm.daemon.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running clvmd: (embedded ZooKeeper,) Curator client, cluster services, control socket. Started
 * in that order and closed in reverse; a failure half way closes what was started.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Reported in nodes/<id>. */
  public static final String VERSION = "0.1.0";

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private ClusterNode cluster;
  private CuratorFramework client;
  private String connectString;
  private DaemonConfig config;
  private final LogLevels logLevels = new LogLevels();
  private MetricsServer metricsServer;
  private volatile ConfigReloader reloader;

  private Daemon() {}

  /** Starts a daemon with the backend found on the class path (or none). */
  public static Daemon start(DaemonConfig config) throws Exception {
    DaemonBackend backend =
        ServiceLoader.load(DaemonBackend.class).findFirst().orElseGet(NoEngineBackend::new);
    return start(config, backend);
  }

  /**
   * Starts the daemon with {@code backend}. Any failure, an {@link Error} included (e.g. a {@link
   * NoClassDefFoundError} from a backend), closes what was started in reverse order before it is
   * rethrown: ZooKeeper's non-daemon threads must not keep a failed daemon's JVM alive.
   */
  public static Daemon start(DaemonConfig config, DaemonBackend backend) throws Exception {
    Daemon d = new Daemon();
    try {
      d.startAll(config, backend);
      return d;
    } catch (Throwable t) {
      try {
        d.close();
      } catch (Throwable closing) {
        t.addSuppressed(closing);
      }
      throw t;
    }
  }

  private void startAll(DaemonConfig config, DaemonBackend backend) throws Exception {
    this.config = config;
    started.push(backend);
    logLevels.apply(config.logLevels());
    config.unknownKeys().forEach(k -> LOG.warn("unknown configuration key {} (typo?)", k));
    if (config.zookeeperConnect().isPresent()) {
      connectString = config.zookeeperConnect().get();
    } else {
      EmbeddedZooKeeper zk =
          EmbeddedZooKeeper.start(
              config.embeddedAddress(),
              config.embeddedPort(),
              config.embeddedDataDir(),
              config.embeddedTickTimeMs());
      started.push(zk);
      connectString = zk.connectString();
    }
    CuratorFramework client =
        ZooKeeperClients.newClient(
            connectString,
            config.zookeeperAuth(),
            config.sessionTimeout(),
            config.connectionTimeout());
    started.push(client);
    this.client = client;
    client.start();

    ClusterLayout layout = new ClusterLayout(config.clusterRoot());
    PrometheusMeterRegistry registry =
        config.metricsListen().isPresent()
            ? MetricsServer.registry(config.nodeId(), config.clusterName(), VERSION)
            : null;
    cluster =
        new ClusterNode(
            client,
            layout,
            new ClusterNode.Options(
                config.nodeId(),
                VERSION,
                config.fencingGrace(),
                new CommitSettings(
                    config.lockTimeout(), config.commitRetries(), config.propagationTimeout()),
                failPoint(config)),
            backend.metadataDisks(config),
            backend.applyCallback(config),
            backend.localTables(config),
            registry == null ? ClusterMetrics.disabled() : new ClusterMetrics(registry));
    started.push(cluster);
    if (registry != null) {
      metricsServer = MetricsServer.start(config.metricsListen().get(), registry);
      started.push(metricsServer);
    }
    cluster.start(config.connectionTimeout().plus(config.sessionTimeout()));

    ControlServer control =
        new ControlServer(
            new ControlServer.Settings(
                config.socketPath(),
                config.socketAllowedUsers(),
                config.socketMaxRequestBytes(),
                config.socketReadTimeout(),
                config.socketMaxClients(),
                config.socketWriteTimeout()),
            backend.commandExecutor(config, cluster),
            () -> cluster.status().read());
    control.handle(
        ControlProtocol.TYPE_HEALTH,
        request ->
            ControlResponse.data(
                new HealthCheck(
                        cluster,
                        config.clusterName(),
                        config.healthLag(),
                        config.healthExpectedNodes())
                    .check()));
    control.handle(ControlProtocol.TYPE_RELOAD_CONFIG, request -> reloadConfig());
    started.push(control);
    control.start();
    LOG.info(
        "clvmd {} node {} up: ZooKeeper {}, cluster root {}, socket {}",
        VERSION,
        config.nodeId(),
        connectString,
        layout.root(),
        config.socketPath());
  }

  private static FailPoint failPoint(DaemonConfig config) {
    return config
        .testingFailAt()
        .map(
            step -> {
              LOG.warn("TESTING: commits fail at step {} ({})", step, config.testingFailMode());
              return FailPoint.at(
                  CommitStep.valueOf(step), config.testingFailMode().equals("halt"));
            })
        .orElse(FailPoint.NONE);
  }

  /**
   * Re-reads the configuration file on every change of it (and on {@code clvm cluster
   * reload-config}); the log levels take effect at once. Main calls it with the file it read.
   */
  public synchronized void watchConfig(Path file) throws IOException {
    if (reloader != null) {
      return;
    }
    ConfigReloader r = new ConfigReloader(file, config, logLevels);
    r.watch();
    started.push(r);
    reloader = r;
  }

  /** The answer to a reload-config request. */
  private ControlResponse reloadConfig() {
    ConfigReloader r = reloader;
    if (r == null) {
      return ControlResponse.error(
          ControlProtocol.EXIT_FAILED,
          "clvmd runs without a configuration file (defaults): nothing to reload");
    }
    try {
      return ControlResponse.ok(r.reload());
    } catch (io.clvm.daemon.config.ConfigException e) {
      return ControlResponse.error(
          ControlProtocol.EXIT_FAILED,
          "clvmd: " + r.file() + " not applied, nothing changed: " + e.getMessage());
    }
  }

  /** Where the Prometheus endpoint listens, if {@code metrics.listen} is configured. */
  public Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(metricsServer).map(MetricsServer::address);
  }

  public ClusterNode cluster() {
    return cluster;
  }

  public String connectString() {
    return connectString;
  }

  /** Blocks until {@link #close()} has run (the shutdown hook). */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * TESTS ONLY: what ZooKeeper sees of a kill -9, inside a test JVM. Everything this daemon started
   * is closed except its Curator client: its session, and the ephemeral znodes of it (activations),
   * live on until the caller closes the returned client or ZooKeeper expires the session. Device
   * tables are left as they are (closing the backend does not touch them), as the kernel keeps
   * them.
   */
  public synchronized CuratorFramework abandonSession() {
    CuratorFramework keep = client;
    started.remove(keep);
    close();
    return keep;
  }

  /** Graceful shutdown: socket, deregistration, Curator, embedded ZooKeeper, backend. */
  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception | LinkageError e) {
        LOG.warn("shutdown: closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    if (closed.getCount() > 0) {
      LOG.info("clvmd stopped");
    }
    closed.countDown();
  }
}
