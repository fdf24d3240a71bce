package io.clvm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ConnectionGuard.Health;
import io.clvm.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
  private final ZkTesting zk = new ZkTesting();
  private TestingServer server;
  private final ClusterLayout layout = new ClusterLayout("/clvm/guard");

  @BeforeEach
  void start() throws Exception {
    server = zk.server();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  @Test
  void serverStopSuspendsAndRestartRevalidates() throws Exception {
    CuratorFramework client = zk.client(server.getConnectString(), Duration.ofSeconds(20));
    ConnectionGuard guard = zk.track(new ConnectionGuard(client, layout.root()));
    BlockingQueue<Health> events = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> revalidations = new LinkedBlockingQueue<>();
    guard.addListener(events::add);
    guard.addRevalidator((c, newSession) -> revalidations.add(newSession));
    assertEquals(Health.GOOD, guard.health());
    ConnectionGuard.Token token = guard.token();
    guard.check(token);

    server.stop();
    assertEquals(Health.SUSPENDED, events.poll(20, TimeUnit.SECONDS));
    assertThrows(ClusterUnavailableException.class, () -> guard.check(token));
    assertThrows(ClusterUnavailableException.class, guard::token);

    server.restart();
    assertEquals(Health.REVALIDATING, events.poll(20, TimeUnit.SECONDS));
    assertEquals(Health.GOOD, events.poll(20, TimeUnit.SECONDS));
    assertEquals(Boolean.FALSE, revalidations.poll(1, TimeUnit.SECONDS));
    // Connected again, but the old token predates the interruption: its lock may be gone.
    ClusterUnavailableException e =
        assertThrows(ClusterUnavailableException.class, () -> guard.check(token));
    assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    guard.check(guard.token());
  }

  @Test
  void sessionExpiryIsLostThenNewSession() throws Exception {
    CuratorFramework client = zk.client(server.getConnectString());
    ConnectionGuard guard = zk.track(new ConnectionGuard(client, layout.root()));
    BlockingQueue<Boolean> revalidations = new LinkedBlockingQueue<>();
    guard.addRevalidator((c, newSession) -> revalidations.add(newSession));
    NodeRegistry registry =
        zk.track(new NodeRegistry(client, layout, NodeRegistry.self("n1", "test")));
    registry.start(ZkTesting.WAIT);
    long before = client.getZookeeperClient().getZooKeeper().getSessionId();

    client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    assertEquals(Boolean.TRUE, revalidations.poll(20, TimeUnit.SECONDS));
    assertTrue(guard.awaitGood(ZkTesting.WAIT));
    assertTrue(client.getZookeeperClient().getZooKeeper().getSessionId() != before);
    // Presence comes back by itself (PersistentNode), under the new session.
    Await.until(
        "node re-registered",
        ZkTesting.WAIT,
        () -> {
          try {
            List<NodeInfo> nodes = registry.list();
            return nodes.size() == 1
                && client.checkExists().forPath(layout.node("n1")).getEphemeralOwner()
                    == client.getZookeeperClient().getZooKeeper().getSessionId();
          } catch (Exception ex) {
            return false;
          }
        });
    assertEquals("n1", registry.list().get(0).node());
  }
}
