package io.clvm.cluster;

import static io.clvm.cluster.TestNodes.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ConnectionGuard.Health;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.testing.Await;
import io.clvm.testing.cluster.ZooKeeperTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 3-server ensemble loses two servers: the survivor has no quorum and serves nobody. */
class QuorumLossTest {
  @TempDir Path dir;

  @Test
  void noDiskWriteWithoutQuorumAndRecoveryAfter() throws Exception {
    try (TestingCluster cluster = new TestingCluster(ZooKeeperTestServer.ensemble(dir, 3));
        TestNodes nodes = new TestNodes()) {
      cluster.start();
      ClusterNode a =
          nodes.node(
              "a",
              cluster.getConnectString(),
              FailPoint.NONE,
              Duration.ofSeconds(15),
              Duration.ofSeconds(10));
      a.protocol().create("vg1", "vgcreate", append("pv pv1"));
      int writes = nodes.disks.writes().size();

      List<InstanceSpec> specs = List.copyOf(cluster.getInstances());
      cluster.killServer(specs.get(0));
      cluster.killServer(specs.get(1));
      Await.until("quorum loss noticed", ZkTesting.WAIT, () -> a.guard().health() != Health.GOOD);
      assertThrows(
          ClusterUnavailableException.class,
          () -> a.protocol().commit("vg1", "lvcreate", append("lv x")));
      assertEquals(writes, nodes.disks.writes().size(), "no disk write without quorum");

      cluster.restartServer(specs.get(0));
      assertTrue(a.guard().awaitGood(Duration.ofSeconds(40)), "quorum back");
      Await.value(
          "commit after quorum is back",
          ZkTesting.WAIT,
          () -> {
            try {
              return a.protocol().commit("vg1", "lvcreate", append("lv x")).seqno();
            } catch (ClusterUnavailableException e) {
              return null; // the revalidated connection may still be settling on a leader
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      assertEquals(2, nodes.disks.seqno("vg1"));
    }
  }
}
