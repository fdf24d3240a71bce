package io.clvm.cluster.reduce;

import static io.clvm.cluster.TestNodes.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommitResult;
import io.clvm.cluster.commit.CommitSettings;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.lock.LockHandle;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Reduce = reload everywhere first, then commit" against a real ZooKeeper: the nodes with the LV
 * active load the smaller table and answer before the commit; a failing or silent node makes the
 * round void (named, nothing committed, the others restored); a committer that dies between the
 * reloads and the commit leaves an intent that vanishes with its session, and the nodes restore.
 */
class ReduceRoundTest {
  private static final String VG = "vg1";
  private static final String REDUCED = "lv lv1 reduced";

  private final TestNodes nodes = new TestNodes();

  /** Per node, the text of the latest tables its callback loaded. */
  private final Map<String, String> tables = new ConcurrentHashMap<>();

  private TestingServer server;

  @BeforeEach
  void start() throws Exception {
    server = nodes.zk.server();
  }

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  private ClusterNode node(String id) throws Exception {
    return node(id, vg -> {});
  }

  private ClusterNode node(String id, ApplyCallback before) throws Exception {
    return nodes.node(
        id,
        server.getConnectString(),
        FailPoint.NONE,
        Duration.ofSeconds(4),
        Duration.ofSeconds(1),
        vg -> {
          before.apply(vg);
          tables.put(id, vg.text());
        });
  }

  /** vg1 at seqno 2 with lv1 active shared on every node given. */
  private void vgWithSharedLv(ClusterNode... on) throws Exception {
    on[0].protocol().create(VG, "vgcreate", append("pv pv1"));
    on[0].protocol().commit(VG, "lvcreate", append("lv lv1 2g"));
    for (ClusterNode n : on) {
      n.activate(VG, "lv1", ActivationMode.SHARED, "lvchange -asy");
    }
    for (ClusterNode n : on) {
      Await.until(n.nodeId() + " applied seqno 2", ZkTesting.WAIT, () -> applied(n) == 2);
    }
  }

  private static long applied(ClusterNode n) {
    return n.propagator().applied(VG);
  }

  private String committedText(ClusterNode n) throws Exception {
    return new io.clvm.cluster.commit.VgStateStore(n.client(), TestNodes.LAYOUT)
        .readMetadata(VG)
        .text();
  }

  private LockHandle lock(ClusterNode n) throws Exception {
    return n.locks().vg(VG, "lvreduce vg1/lv1", Duration.ofSeconds(10));
  }

  private static String reducedText(ClusterNode n) throws Exception {
    CommittedVg current =
        new io.clvm.cluster.commit.VgStateStore(n.client(), TestNodes.LAYOUT).readMetadata(VG);
    return append(REDUCED, "lv1").compute(current, current.seqno() + 1).text();
  }

  @Test
  void everyNodeLoadsTheSmallerTableBeforeTheCommit() throws Exception {
    ClusterNode a = node("a");
    ClusterNode b = node("b");
    ClusterNode c = node("c");
    vgWithSharedLv(a, b, c);
    String text = reducedText(a);
    try (LockHandle lock = lock(a);
        ReduceRound round = a.reductions().begin(lock, VG, 3, text, Set.of("lv1"))) {
      assertEquals(List.of("b", "c"), round.intent().targets(), "the committer reloads itself");
      ReduceOutcome outcome = round.awaitReloaded();
      assertTrue(outcome.ok(), outcome.toString());
      assertEquals(List.of("b", "c"), outcome.reduced());
      // Before the commit: b and c map the smaller LV, the cluster still has seqno 2.
      assertEquals(text, tables.get("b"));
      assertEquals(text, tables.get("c"));
      assertEquals(2, nodes.disks.seqno(VG));
      assertTrue(b.propagator().underIntent(VG).isPresent());
      CommitResult r =
          a.protocol()
              .commitUnderLock(
                  lock,
                  VG,
                  "lvreduce",
                  (cur, seqno) -> append(REDUCED, "lv1").compute(cur, seqno),
                  round.commitConditions());
      round.committed();
      assertEquals(3, r.seqno());
    }
    assertEquals(
        "applied on 3/3 nodes", a.protocol().awaitPropagation(VG, 3, Set.of("lv1")).summary());
    for (ClusterNode n : List.of(b, c)) {
      Await.until(n.nodeId() + " at seqno 3", ZkTesting.WAIT, () -> applied(n) == 3);
      assertTrue(n.propagator().underIntent(VG).isEmpty());
      assertTrue(tables.get(n.nodeId()).contains(REDUCED));
    }
    assertEquals(3, nodes.disks.seqno(VG));
  }

  @Test
  void aFailingNodeIsNamedNothingIsCommittedAndTheOthersRestore() throws Exception {
    ClusterNode a = node("a");
    ClusterNode b = node("b");
    ClusterNode c =
        node(
            "c",
            vg -> {
              if (vg.text().contains(REDUCED)) {
                throw new java.io.IOException("device-mapper: reload of vg1-lv1 failed: EBUSY");
              }
            });
    vgWithSharedLv(a, b, c);
    String old = committedText(a);
    ReduceRound round;
    ReduceOutcome outcome;
    try (LockHandle lock = lock(a)) {
      round = a.reductions().begin(lock, VG, 3, reducedText(a), Set.of("lv1"));
      outcome = round.awaitReloaded();
      round.close();
    }
    assertFalse(outcome.ok());
    assertEquals(List.of("b"), outcome.reduced());
    assertTrue(outcome.failed().get("c").contains("EBUSY"), outcome.toString());
    assertTrue(outcome.problems(5000).startsWith("c (failed: "), outcome.problems(5000));
    // b loaded the smaller table, then the committed one again; c never lost its old table.
    assertEquals(List.of(), round.unconfirmedRestores());
    assertEquals(old, tables.get("b"));
    assertEquals(old, tables.get("c"));
    assertEquals(2, nodes.disks.seqno(VG));
    Map<String, IntentAck> acks = new ReduceIntents(a.client(), TestNodes.LAYOUT).acks(VG);
    assertEquals(IntentAck.State.RESTORED, acks.get("b").state());
    assertEquals(IntentAck.State.RESTORED, acks.get("c").state());
    assertTrue(new ReduceIntents(a.client(), TestNodes.LAYOUT).read(VG).isEmpty());
  }

  @Test
  void aNodeThatDoesNotAnswerInTimeIsNamedAndCatchesUpLater() throws Exception {
    nodes.settings = new CommitSettings(Duration.ofSeconds(20), 3, Duration.ofMillis(800));
    CountDownLatch stuck = new CountDownLatch(1);
    ClusterNode a = node("a");
    ClusterNode b = node("b");
    ClusterNode slow =
        node(
            "slow",
            vg -> {
              if (vg.text().contains(REDUCED)) {
                stuck.await(30, TimeUnit.SECONDS);
              }
            });
    vgWithSharedLv(a, b, slow);
    String old = committedText(a);
    ReduceOutcome outcome;
    try (LockHandle lock = lock(a);
        ReduceRound round = a.reductions().begin(lock, VG, 3, reducedText(a), Set.of("lv1"))) {
      outcome = round.awaitReloaded();
    }
    assertEquals(List.of("slow"), outcome.silent());
    assertTrue(outcome.problems(800).contains("slow (no answer within 800 ms)"));
    assertEquals(old, tables.get("b"));
    stuck.countDown();
    // The slow node loads the smaller table late, then sees the round withdrawn and restores.
    Await.until(
        "slow node back at the committed table",
        ZkTesting.WAIT,
        () -> old.equals(tables.get("slow")) && slow.propagator().underIntent(VG).isEmpty());
    assertEquals(2, nodes.disks.seqno(VG));
  }

  @Test
  void aCommitterThatDiesAfterTheReloadsLeavesNothingBehind() throws Exception {
    ClusterNode a = node("a");
    ClusterNode b = node("b");
    ClusterNode c = node("c");
    vgWithSharedLv(a, b, c);
    String old = committedText(b);
    LockHandle lock = lock(a);
    ReduceRound round = a.reductions().begin(lock, VG, 3, reducedText(a), Set.of("lv1"));
    assertTrue(round.awaitReloaded().ok());
    assertTrue(tables.get("b").contains(REDUCED));
    // The committer's process dies: its session ends, its ephemeral intent and lock with it.
    a.client().close();
    for (String n : List.of("b", "c")) {
      Await.until(
          n + " restored the committed table", ZkTesting.WAIT, () -> old.equals(tables.get(n)));
    }
    assertEquals(2, nodes.disks.seqno(VG));
    // The next writer commits normally; nothing of the dead round remains.
    CommitResult r = b.protocol().commit(VG, "lvextend", append("lv lv1 +1g", "lv1"));
    assertEquals(3, r.seqno());
    assertEquals("applied on 2/2 nodes", r.propagation().summary());
  }

  @Test
  void theCommitPointRequiresTheIntent() throws Exception {
    ClusterNode a = node("a");
    ClusterNode b = node("b");
    vgWithSharedLv(a, b);
    try (LockHandle lock = lock(a);
        ReduceRound round = a.reductions().begin(lock, VG, 3, reducedText(a), Set.of("lv1"))) {
      assertTrue(round.awaitReloaded().ok());
      // As if the intent had vanished with an expired session while the committer went on.
      a.client().delete().forPath(TestNodes.LAYOUT.vgIntent(VG));
      ClusterStateException e =
          assertThrows(
              ClusterStateException.class,
              () ->
                  a.protocol()
                      .commitUnderLock(
                          lock,
                          VG,
                          "lvreduce",
                          (cur, seqno) -> append(REDUCED, "lv1").compute(cur, seqno),
                          round.commitConditions()));
      assertTrue(e.getMessage().contains("nothing was committed"), e.getMessage());
    }
    assertEquals(2, nodes.disks.seqno(VG));
    Await.until("b restored", ZkTesting.WAIT, () -> b.propagator().underIntent(VG).isEmpty());
  }

  @Test
  void noOtherNodeActiveMeansNoOneToWaitFor() throws Exception {
    ClusterNode a = node("a");
    node("b");
    vgWithSharedLv(a);
    try (LockHandle lock = lock(a);
        ReduceRound round = a.reductions().begin(lock, VG, 3, reducedText(a), Set.of("lv1"))) {
      assertEquals(List.of(), round.intent().targets());
      ReduceOutcome outcome = round.awaitReloaded();
      assertTrue(outcome.ok() && outcome.reduced().isEmpty(), outcome.toString());
    }
  }
}
