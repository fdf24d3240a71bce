package io.clvm.cluster;

import io.clvm.testing.cluster.ZooKeeperTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;

/** Shared test plumbing: real ZooKeeper servers and clvm-configured Curator clients. */
public final class ZkTesting implements AutoCloseable {
  public static final String CREDENTIALS = "clvm:test-secret";
  public static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /**
   * A started TestingServer, closed (and its directory, with the properties file ZooKeeper leaves
   * beside its data, removed) with this object.
   */
  public TestingServer server() throws Exception {
    ZooKeeperTestServer.Owned s = ZooKeeperTestServer.startInTemp();
    closeables.add(s);
    return s.server();
  }

  /** A started clvm client with a short session, so that expiry tests stay fast. */
  public CuratorFramework client(String connect, Duration sessionTimeout) throws Exception {
    CuratorFramework c =
        ZooKeeperClients.newClient(
            connect, Optional.of(CREDENTIALS), sessionTimeout, Duration.ofSeconds(1));
    c.start();
    closeables.add(0, c);
    if (!c.blockUntilConnected(20, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError("client did not connect to " + connect);
    }
    return c;
  }

  public CuratorFramework client(String connect) throws Exception {
    return client(connect, Duration.ofSeconds(4));
  }

  /** Closes {@code c} with the rest, before the servers. */
  public <T extends AutoCloseable> T track(T c) {
    closeables.add(0, c);
    return c;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
