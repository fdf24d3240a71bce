package io.clvm.cluster.propagate;

import static io.clvm.cluster.TestNodes.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.CommitResult;
import io.clvm.cluster.commit.CommitSettings;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.status.ClusterStatus;
import io.clvm.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PropagationTest {
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
  void extendIsAppliedOnEveryNodeWithTheLvActive() throws Exception {
    ClusterNode a = nodes.node("a", server.getConnectString());
    ClusterNode b = nodes.node("b", server.getConnectString());
    ClusterNode c = nodes.node("c", server.getConnectString());
    a.protocol().create("vg1", "vgcreate", append("pv pv1"));
    a.protocol().commit("vg1", "lvcreate", append("lv lv1 1g"));
    for (ClusterNode n : List.of(a, b, c)) {
      n.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy");
    }
    CommitResult r = a.protocol().commit("vg1", "lvextend", append("lv lv1 +1g", "lv1"));
    assertEquals("applied on 3/3 nodes", r.propagation().summary());
    for (String n : List.of("a", "b", "c")) {
      assertTrue(nodes.applied.get(n).contains(3L), n + " saw " + nodes.applied.get(n));
      assertEquals(nodes.applied.get(n), nodes.applied.get(n).stream().sorted().toList());
    }
    assertEquals(3, b.propagator().applied("vg1"));

    ClusterStatus status = c.status().read();
    assertEquals(List.of("a", "b", "c"), status.nodes().stream().map(n -> n.node()).toList());
    assertEquals(3, status.vgs().get(0).seqno());
    assertEquals("a", status.vgs().get(0).committer());
    assertEquals(3, status.vgs().get(0).active().size());
    assertEquals(3L, status.vgs().get(0).applied().get("c"));
    assertEquals("GOOD", status.connection());
    assertTrue(status.globalLock().current().isEmpty());
  }

  @Test
  void aNodeThatDoesNotApplyInTimeIsNamed() throws Exception {
    nodes.settings = new CommitSettings(Duration.ofSeconds(20), 3, Duration.ofMillis(700));
    CountDownLatch unblock = new CountDownLatch(1);
    ClusterNode a = nodes.node("a", server.getConnectString());
    ClusterNode b = nodes.node("b", server.getConnectString());
    ClusterNode slow =
        nodes.node(
            "slow",
            server.getConnectString(),
            FailPoint.NONE,
            Duration.ofSeconds(4),
            Duration.ofSeconds(2),
            vg -> {
              if (vg.seqno() >= 3) {
                unblock.await(30, TimeUnit.SECONDS);
              }
            });
    a.protocol().create("vg1", "vgcreate", append("pv pv1"));
    a.protocol().commit("vg1", "lvcreate", append("lv lv1"));
    for (ClusterNode n : List.of(a, b, slow)) {
      n.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy");
    }
    CommitResult r = b.protocol().commit("vg1", "lvextend", append("lv lv1 +1g", "lv1"));
    assertEquals(List.of("slow"), r.propagation().laggards());
    assertEquals("applied on 2/3 nodes (not applied in time: slow)", r.propagation().summary());
    unblock.countDown();
    Await.until(
        "slow node catches up", ZkTesting.WAIT, () -> slow.propagator().applied("vg1") == 3);
  }

  @Test
  void aRestartedNodeCatchesUpWithEveryVg() throws Exception {
    ClusterNode a = nodes.node("a", server.getConnectString());
    a.protocol().create("vg1", "vgcreate", append("pv pv1"));
    a.protocol().create("vg2", "vgcreate", append("pv pv2"));
    a.protocol().commit("vg2", "lvcreate", append("lv x"));
    ClusterNode late = nodes.node("late", server.getConnectString());
    Await.until(
        "late node applied both VGs",
        ZkTesting.WAIT,
        () -> late.propagator().applied("vg1") == 1 && late.propagator().applied("vg2") == 2);
  }
}
