package io.clvm.cluster.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.lock.LockHandle;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActivationTest {
  private final TestNodes nodes = new TestNodes();
  private TestingServer server;

  @BeforeEach
  void start() throws Exception {
    server = nodes.zk.server();
  }

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void exclusiveMeansExclusive() throws Exception {
    ClusterNode a = nodes.node("a", server.getConnectString());
    ClusterNode b = nodes.node("b", server.getConnectString());
    a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");
    ActivationConflictException e =
        assertThrows(
            ActivationConflictException.class,
            () -> b.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey"));
    assertTrue(e.getMessage().contains("active on node a (ex)"), e.getMessage());
    assertThrows(
        ActivationConflictException.class,
        () -> b.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy"));
    // Re-activating on the owner is fine, and so is switching its own mode.
    a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "again");
    a.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy");
    b.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy");
    assertEquals(
        List.of(
            new Activation("vg1", "lv1", "a", ActivationMode.SHARED),
            new Activation("vg1", "lv1", "b", ActivationMode.SHARED)),
        b.activations().activations("vg1", "lv1"));
    assertThrows(
        ActivationConflictException.class,
        () -> a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey"));

    a.deactivate("vg1", "lv1");
    b.activations().deactivate("vg1", "lv1");
    b.activations().deactivate("vg1", "lv1"); // idempotent
    b.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");
    assertEquals(1, a.activations().activations("vg1").size());
    assertEquals(List.of(), a.activations().local());
    assertEquals(1, b.activations().local().size());
    assertTrue(b.activations().stillOwned("vg1", "lv1"));
  }

  @Test
  void activationNeedsTheVgLock() throws Exception {
    ClusterNode a = nodes.node("a", server.getConnectString());
    try (LockHandle other = a.locks().vg("vg2", "x", Duration.ofSeconds(5))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> a.activations().activate(other, "vg1", "lv1", ActivationMode.SHARED));
    }
  }

  /**
   * Curator can give a session up before the server does (after a quorum loss): the server then
   * still holds this node's activation znode of the old session. A new activation must own its
   * znode, not set the data of one that vanishes when the server expires the old session.
   */
  @Test
  void anActivationReplacesThisNodesZnodeOfAnOlderSession() throws Exception {
    ClusterNode a = nodes.node("a", server.getConnectString());
    String path = TestNodes.LAYOUT.lvActiveNode("vg1", "lv1", "a");
    org.apache.curator.framework.CuratorFramework old =
        nodes.zk.client(server.getConnectString(), Duration.ofSeconds(10));
    old.create()
        .creatingParentContainersIfNeeded()
        .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
        .forPath(
            path,
            "{\"mode\":\"ex\",\"since\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    a.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy");
    assertTrue(a.activations().stillOwned("vg1", "lv1"), "the znode is the new session's");
    old.close(); // the old session ends: the activation stays
    assertTrue(a.activations().stillOwned("vg1", "lv1"));
    assertFalse(a.activations().dropStale("vg1", "lv1"), "nothing stale left");
  }
}
