package io.clvm.cluster.propagate;

import static io.clvm.cluster.TestNodes.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.Json;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.CommitResult;
import io.clvm.cluster.commit.CommitSettings;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.commit.VgState;
import io.clvm.cluster.status.ClusterStatus;
import io.clvm.testing.Await;
import io.clvm.testing.net.TcpProxy;
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

  /**
   * A node with no LV of the VG active reads only {@code state}: it records the seqno it read
   * there, and never fetches the copy of record (here unreadable, so a node that read it would fail
   * and stay behind).
   */
  @Test
  void aNodeWithNothingActiveRecordsTheStateSeqnoWithoutReadingTheText() throws Exception {
    ClusterNode a = nodes.node("a", server.getConnectString());
    ClusterNode idle =
        nodes.node(
            "idle",
            server.getConnectString(),
            FailPoint.NONE,
            Duration.ofSeconds(4),
            Duration.ofSeconds(2),
            new ApplyCallback() {
              @Override
              public void apply(CommittedVg vg) {}

              @Override
              public boolean needsText(String vgUuid) {
                return false;
              }
            });
    a.protocol().create("vg1", "vgcreate", append("pv pv1"));
    a.protocol().commit("vg1", "lvcreate", append("lv lv1"));
    Await.until("idle applied 2", ZkTesting.WAIT, () -> idle.propagator().applied("vg1") == 2);

    // Seqno 3 with a copy of record nobody can decode.
    VgState three = new VgState(3, List.of(), "a", System.currentTimeMillis());
    a.client()
        .transaction()
        .forOperations(
            a.client()
                .transactionOp()
                .setData()
                .forPath(TestNodes.LAYOUT.vgState("vg1"), Json.write(three)),
            a.client()
                .transactionOp()
                .setData()
                .forPath(TestNodes.LAYOUT.vgMetadata("vg1"), new byte[] {1, 2, 3}));

    // The record is what the committer, cluster status and ClusterBench see (the in-memory seqno is
    // set just before it is written).
    Await.until("idle recorded 3", ZkTesting.WAIT, () -> recorded(a, "idle") == 3);
    assertEquals(3, idle.propagator().applied("vg1"));
    assertEquals(List.of(), nodes.applied.get("idle"), "the callback was never asked");
  }

  /** The seqno in {@code node}'s applied record of vg1, or -1. */
  private static long recorded(ClusterNode reader, String node) {
    try {
      byte[] data = reader.client().getData().forPath(TestNodes.LAYOUT.appliedNode("vg1", node));
      return Json.read(data, AppliedRecord.class).seqno();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Events for a VG that is already waiting for the worker add no read of their own. */
  @Test
  void eventsForAQueuedVgAreMergedIntoOneRead() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ClusterNode a = nodes.node("a", server.getConnectString());
    ClusterNode busy =
        nodes.node(
            "busy",
            server.getConnectString(),
            FailPoint.NONE,
            Duration.ofSeconds(4),
            Duration.ofSeconds(2),
            vg -> {
              if (vg.seqno() == 2) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
              }
            });
    a.protocol().create("vg1", "vgcreate", append("pv pv1"));
    a.protocol().commit("vg1", "lvcreate", append("lv lv1"));
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    long during = busy.propagator().reconciles(); // the one blocked in the callback included
    for (int i = 0; i < 10; i++) {
      busy.propagator().enqueue("vg1");
    }
    release.countDown();
    busy.propagator().awaitQueued();
    assertEquals(during + 1, busy.propagator().reconciles(), "ten events, one more read");
    assertEquals(2, busy.propagator().applied("vg1"));
  }

  /**
   * A node whose connection dropped while others committed applies what it missed once it is back:
   * the watch's re-registration makes it look at every VG.
   */
  @Test
  void aNodeThatWasDisconnectedCatchesUpWhenItReconnects() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.getPort())) {
      ClusterNode a = nodes.node("a", server.getConnectString());
      ClusterNode cut =
          nodes.node(
              "cut",
              nodes.zk.client(proxy.connectString(), Duration.ofSeconds(20)),
              FailPoint.NONE,
              Duration.ofSeconds(5),
              vg -> {});
      a.protocol().create("vg1", "vgcreate", append("pv pv1"));
      Await.until("cut applied 1", ZkTesting.WAIT, () -> cut.propagator().applied("vg1") == 1);
      proxy.cut();
      Await.until(
          "cut noticed", ZkTesting.WAIT, () -> !cut.client().getZookeeperClient().isConnected());
      a.protocol().commit("vg1", "lvcreate", append("lv lv1"));
      a.protocol().commit("vg1", "lvcreate", append("lv lv2"));
      proxy.restore();
      Await.until("cut applied 3", ZkTesting.WAIT, () -> cut.propagator().applied("vg1") == 3);
    }
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
