package io.clvm.cluster.commit;

import static io.clvm.cluster.TestNodes.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.ClusterUnavailableException;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommitProtocolTest {
  private static final String VG = "vg1";
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

  private ClusterNode node(String id) throws Exception {
    return nodes.node(id, server.getConnectString());
  }

  private ClusterNode node(String id, FailPoint fp) throws Exception {
    return nodes.node(
        id, server.getConnectString(), fp, Duration.ofSeconds(4), Duration.ofSeconds(2));
  }

  @Test
  void createThenCommitsFromTwoNodes() throws Exception {
    ClusterNode a = node("a");
    ClusterNode b = node("b");
    CommitResult created = a.protocol().create(VG, "vgcreate vg1", append("pv pv1"));
    assertEquals(1, created.seqno());
    assertThrows(
        ClusterStateException.class, () -> b.protocol().create(VG, "vgcreate", append("x")));
    CommitResult r1 = a.protocol().commit(VG, "lvcreate lv1", append("lv lv1"));
    CommitResult r2 = b.protocol().commit(VG, "lvcreate lv2", append("lv lv2"));
    assertEquals(2, r1.seqno());
    assertEquals(3, r2.seqno());
    assertEquals(1, r2.attempts());
    assertFalse(r2.rolledForward());
    assertTrue(r2.warning().isEmpty());
    assertEquals("applied on 0/0 nodes", r2.propagation().summary());
    assertEquals("seqno = 3\npv pv1\nlv lv1\nlv lv2\n", nodes.disks.readCommitted(VG).get().text());
    assertEquals(
        List.of(
            "precommit vg1 1", "commit vg1 1",
            "precommit vg1 2", "commit vg1 2",
            "precommit vg1 3", "commit vg1 3"),
        nodes.disks.writes());
    assertThrows(
        ClusterStateException.class, () -> a.protocol().commit("vg-unknown", "x", append("y")));
  }

  @Test
  void concurrentCommitsFromThreeNodesLoseNothing() throws Exception {
    List<ClusterNode> all = List.of(node("a"), node("b"), node("c"));
    all.get(0).protocol().create(VG, "vgcreate", append("pv pv1"));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (ClusterNode n : all) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5; i++) {
                    n.protocol().commit(VG, "lvcreate", append("lv " + n.nodeId() + i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    CommittedVg last = nodes.disks.readCommitted(VG).get();
    assertEquals(16, last.seqno());
    for (ClusterNode n : all) {
      for (int i = 0; i < 5; i++) {
        assertTrue(last.text().contains("lv " + n.nodeId() + i + "\n"), "lost " + n.nodeId() + i);
      }
    }
  }

  @Test
  void versionConflictAtTheCommitPointIsRetried() throws Exception {
    ClusterNode writer = node("w");
    writer.protocol().create(VG, "vgcreate", append("pv pv1"));
    VgStateStore outOfBand =
        new VgStateStore(nodes.zk.client(server.getConnectString()), writer.layout());
    AtomicBoolean interfered = new AtomicBoolean();
    ClusterNode a =
        node(
            "a",
            (step, vg) -> {
              // Another writer that ignored the lock commits between our read and our multi().
              if (step == CommitStep.COMPUTE && interfered.compareAndSet(false, true)) {
                try {
                  VgStateStore.Versioned s = outOfBand.readState(vg).orElseThrow();
                  outOfBand.commit(
                      vg,
                      s.version(),
                      new VgState(s.state().seqno() + 1, List.of(), "rogue", 0),
                      "seqno = 2\npv pv1\nlv rogue\n");
                } catch (Exception e) {
                  throw new java.io.IOException(e);
                }
              }
            });
    CommitResult r = a.protocol().commit(VG, "lvcreate", append("lv mine"));
    assertEquals(2, r.attempts());
    assertEquals(3, r.seqno());
    assertEquals("seqno = 3\npv pv1\nlv rogue\nlv mine\n", readRecord(outOfBand));
    // The first attempt's precommit was never committed; the rogue text was rolled onto the
    // disks before the retry computed on top of it.
    assertTrue(r.rolledForward());
    assertEquals(3, nodes.disks.seqno(VG));
  }

  private static String readRecord(VgStateStore store) throws Exception {
    return store.readMetadata(VG).text();
  }

  @Test
  void crashBetweenCommitPointAndDiskCommitIsRolledForward() throws Exception {
    ClusterNode a = node("a", FailPoint.at(CommitStep.COMMIT_POINT, false));
    ClusterNode b = node("b");
    b.protocol().create(VG, "vgcreate", append("pv pv1"));
    InjectedFailureException crash =
        assertThrows(
            InjectedFailureException.class,
            () -> a.protocol().commit(VG, "lvextend", append("lv grown")));
    assertEquals(CommitStep.COMMIT_POINT, crash.step());
    assertEquals(1, nodes.disks.seqno(VG), "disks still at the old seqno");

    assertTrue(b.protocol().repair(VG, "vgs"), "reader repairs");
    assertEquals(2, nodes.disks.seqno(VG));
    assertFalse(b.protocol().repair(VG, "vgs"));

    // And a writer does the same when it finds the disks behind.
    assertThrows(
        InjectedFailureException.class, () -> a.protocol().commit(VG, "lvextend", append("x")));
    CommitResult r = b.protocol().commit(VG, "lvcreate", append("lv next"));
    assertTrue(r.rolledForward());
    assertEquals(4, r.seqno());
    assertEquals(
        "seqno = 4\npv pv1\nlv grown\nx\nlv next\n", nodes.disks.readCommitted(VG).get().text());
  }

  @Test
  void disksAheadOfZooKeeperAreNotTouched() throws Exception {
    ClusterNode a = node("a");
    a.protocol().create(VG, "vgcreate", append("pv pv1"));
    nodes.disks.seed(VG, 9, "seqno = 9\nwritten by plain lvm2\n");
    ClusterStateException e =
        assertThrows(
            ClusterStateException.class, () -> a.protocol().commit(VG, "lvcreate", append("x")));
    assertTrue(e.getMessage().contains("ahead"), e.getMessage());
  }

  @Test
  void importSeedsZooKeeperFromTheDisks() throws Exception {
    ClusterNode a = node("a");
    nodes.disks.seed("vg2", 7, "seqno = 7\npv pv9\n");
    assertEquals(7, a.protocol().importVg("vg2", "clvm cluster import vg2"));
    assertThrows(ClusterStateException.class, () -> a.protocol().importVg("vg2", "again"));
    assertThrows(ClusterStateException.class, () -> a.protocol().importVg("vg3", "missing"));
    assertEquals(8, a.protocol().commit("vg2", "lvcreate", append("lv a")).seqno());
  }

  @Test
  void noDiskWriteOnceTheConnectionIsSuspended() throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    AtomicReference<ConnectionGuard> guardRef = new AtomicReference<>();
    ClusterNode a =
        node(
            "a",
            (step, vg) -> {
              // The ensemble goes away between COMPUTE and PRECOMMIT, and this node notices.
              if (step == CommitStep.COMPUTE && armed.compareAndSet(true, false)) {
                server.stop();
                Await.until(
                    "suspension noticed",
                    ZkTesting.WAIT,
                    () -> guardRef.get().health() != ConnectionGuard.Health.GOOD);
              }
            });
    guardRef.set(a.guard());
    a.protocol().create(VG, "vgcreate", append("pv pv1"));
    int writesBefore = nodes.disks.writes().size();
    armed.set(true);
    ClusterUnavailableException e =
        assertThrows(
            ClusterUnavailableException.class,
            () -> a.protocol().commit(VG, "lvcreate", append("lv z")));
    assertTrue(e.getMessage().contains("refusing to write"), e.getMessage());
    assertEquals(writesBefore, nodes.disks.writes().size(), "no write after the cut");
    // While suspended nothing can even start.
    assertThrows(
        ClusterUnavailableException.class, () -> a.protocol().commit(VG, "lvcreate", append("q")));
    assertEquals(writesBefore, nodes.disks.writes().size());

    server.restart();
    assertTrue(a.guard().awaitGood(ZkTesting.WAIT));
    assertEquals(2, a.protocol().commit(VG, "lvcreate", append("lv after")).seqno());
  }

  @Test
  void sessionExpiryDuringACommitAbortsItAndFreesTheLock() throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    AtomicReference<ClusterNode> self = new AtomicReference<>();
    ClusterNode a =
        node(
            "a",
            (step, vg) -> {
              if (step == CommitStep.PRECOMMIT && armed.compareAndSet(true, false)) {
                ClusterNode me = self.get();
                long generation = me.guard().generation();
                try {
                  me.client()
                      .getZookeeperClient()
                      .getZooKeeper()
                      .getTestable()
                      .injectSessionExpiration();
                } catch (Exception e) {
                  throw new java.io.IOException(e);
                }
                // Curator may reconnect with a new session within milliseconds; the generation
                // records that the connection was interrupted either way.
                Await.until(
                    "expiry noticed", ZkTesting.WAIT, () -> me.guard().generation() > generation);
              }
            });
    self.set(a);
    ClusterNode b = node("b");
    b.protocol().create(VG, "vgcreate", append("pv pv1"));
    armed.set(true);
    assertThrows(
        ClusterUnavailableException.class,
        () -> a.protocol().commit(VG, "lvcreate", append("lv lost")));
    assertTrue(nodes.disks.writes().stream().noneMatch(w -> w.equals("commit vg1 2")));
    // The expired session took a's lock node with it: b is not blocked.
    CommitResult r = b.protocol().commit(VG, "lvcreate", append("lv b"));
    assertEquals(2, r.seqno());
    assertTrue(a.guard().awaitGood(ZkTesting.WAIT));
    assertEquals(3, a.protocol().commit(VG, "lvcreate", append("lv a")).seqno());
    assertEquals("seqno = 3\npv pv1\nlv b\nlv a\n", nodes.disks.readCommitted(VG).get().text());
  }
}
