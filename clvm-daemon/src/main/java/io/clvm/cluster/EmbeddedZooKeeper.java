package io.clvm.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, standalone ZooKeeper server in this JVM, so that one machine runs the whole cluster stack
 * with no setup. It is the plain {@link ZooKeeperServer} behind a {@link ServerCnxnFactory} (not
 * ZooKeeperServerMain, which would also start the Jetty admin server and call System.exit on
 * errors). It listens on loopback by default: other hosts must use an external ensemble.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  private final ServerCnxnFactory factory;
  private final ZooKeeperServer server;

  private EmbeddedZooKeeper(ServerCnxnFactory factory, ZooKeeperServer server) {
    this.factory = factory;
    this.server = server;
  }

  /**
   * Starts a server on {@code address:port} (port 0: any free port) with data in {@code dataDir}.
   */
  public static EmbeddedZooKeeper start(String address, int port, Path dataDir, int tickTimeMs)
      throws IOException {
    Files.createDirectories(dataDir.resolve("snap"));
    Files.createDirectories(dataDir.resolve("log"));
    ZooKeeperServer server =
        new ZooKeeperServer(
            dataDir.resolve("snap").toFile(), dataDir.resolve("log").toFile(), tickTimeMs);
    ServerCnxnFactory factory =
        ServerCnxnFactory.createFactory(new InetSocketAddress(address, port), 200);
    try {
      factory.startup(server);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      factory.shutdown();
      throw new IOException("interrupted while starting the embedded ZooKeeper server", e);
    }
    EmbeddedZooKeeper zk = new EmbeddedZooKeeper(factory, server);
    LOG.info("embedded ZooKeeper server on {} (data in {})", zk.connectString(), dataDir);
    return zk;
  }

  /** The connect string clients use, e.g. {@code 127.0.0.1:2181}. */
  public String connectString() {
    InetSocketAddress a = factory.getLocalAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  public int port() {
    return factory.getLocalPort();
  }

  @Override
  public void close() {
    factory.shutdown();
    server.shutdown();
    LOG.info("embedded ZooKeeper server stopped");
  }
}
