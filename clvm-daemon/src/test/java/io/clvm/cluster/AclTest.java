package io.clvm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server is a real ZooKeeper, and clvm's ACLs keep other clients off its locks. */
class AclTest {
  private static final Duration T = Duration.ofSeconds(10);

  @Test
  void unauthenticatedClientCannotBreakOrTakeALock(@TempDir Path dir) throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir, 200);
        CuratorFramework clvm =
            ZooKeeperClients.newClient(zk.connectString(), Optional.of("clvm:s3cret"), T, T);
        CuratorFramework stranger =
            ZooKeeperClients.newClient(zk.connectString(), Optional.empty(), T, T);
        CuratorFramework wrongPassword =
            ZooKeeperClients.newClient(zk.connectString(), Optional.of("clvm:guess"), T, T)) {
      clvm.start();
      stranger.start();
      wrongPassword.start();
      ClusterLayout layout = new ClusterLayout("/clvm/test");
      InterProcessMutex lock = new InterProcessMutex(clvm, layout.globalLock());
      lock.acquire();
      String holderNode = lock.getParticipantNodes().iterator().next();

      for (CuratorFramework other : new CuratorFramework[] {stranger, wrongPassword}) {
        assertThrows(
            KeeperException.NoAuthException.class, () -> other.delete().forPath(holderNode));
        assertThrows(
            KeeperException.NoAuthException.class,
            () -> other.create().forPath(layout.globalLock() + "/_c_intruder-lock-0000000001"));
        assertThrows(
            KeeperException.NoAuthException.class, () -> other.getData().forPath(holderNode));
      }
      assertTrue(lock.isAcquiredInThisProcess());
      assertEquals(1, lock.getParticipantNodes().size());
      lock.release();
    }
  }
}
