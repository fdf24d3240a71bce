package io.clvm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.Await;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node id, two daemons: the second is refused while the first may be alive, and takes over the
 * registration of a dead one (real ZooKeeper; the first daemon's session stays open, as a killed
 * process's does until the server expires it).
 */
class NodeRegistryTest {
  private final ZkTesting zk = new ZkTesting();
  private final ClusterLayout layout = new ClusterLayout("/clvm/registry");
  private TestingServer server;

  @BeforeEach
  void start() throws Exception {
    server = zk.server();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
  }

  @Test
  void aNodeIdHeldFromAnotherHostIsRefused() throws Exception {
    CuratorFramework other = zk.client(server.getConnectString());
    NodeInfo elsewhere = new NodeInfo("n1", "elsewhere.example", 4242, "test", 1);
    zk.track(new NodeRegistry(other, layout, elsewhere)).start(ZkTesting.WAIT);
    long otherSession = other.getZookeeperClient().getZooKeeper().getSessionId();

    CuratorFramework mine = zk.client(server.getConnectString());
    NodeRegistry registry = zk.track(new NodeRegistry(mine, layout, NodeRegistry.self("n1", "t")));
    NodeIdInUseException e =
        assertThrows(NodeIdInUseException.class, () -> registry.start(ZkTesting.WAIT));
    assertTrue(
        e.getMessage()
            .contains(
                "node id n1 is in use: /clvm/registry/nodes/n1 is held by clvmd pid 4242 on host"
                    + " elsewhere.example (ZooKeeper session 0x"
                    + Long.toHexString(otherSession)
                    + ")"),
        e.getMessage());
    // The other daemon's registration is untouched.
    assertEquals("elsewhere.example", registered(mine).host());
    assertEquals(otherSession, owner(mine));
  }

  @Test
  void thisHostsDeadPreviousProcessIsTakenOver() throws Exception {
    NodeInfo me = NodeRegistry.self("n1", "t");
    CuratorFramework previous = zk.client(server.getConnectString());
    long deadPid = deadPid();
    // Not tracked: its client is closed below without a graceful close of the registration.
    new NodeRegistry(previous, layout, new NodeInfo("n1", me.host(), deadPid, "t", 1))
        .start(ZkTesting.WAIT);

    CuratorFramework mine = zk.client(server.getConnectString());
    zk.track(new NodeRegistry(mine, layout, me)).start(ZkTesting.WAIT);
    assertEquals(me.pid(), registered(mine).pid(), "the payload is the new process's at once");

    previous.close(); // the server ends the previous session: PersistentNode creates it afresh
    long session = mine.getZookeeperClient().getZooKeeper().getSessionId();
    Await.until(
        "the registration is the new session's", ZkTesting.WAIT, () -> ownerOr0(mine) == session);
  }

  @Test
  void holderCheckTellsALiveClvmdFromAReusedPid() {
    NodeInfo me = new NodeInfo("n1", "h", 100, "t", 1);
    NodeInfo holder = new NodeInfo("n1", "h", 200, "t", 1);
    String java = "/usr/bin/java -Xmx256m -cp /opt/clvm/clvm.jar io.clvm.daemon.Main";
    assertEquals(
        "clvmd pid 200, running on this host",
        HolderCheck.liveHolder(me, holder, pid -> Optional.of(java)));
    assertNull(HolderCheck.liveHolder(me, holder, pid -> Optional.of("/usr/sbin/sshd -D")));
    assertNull(HolderCheck.liveHolder(me, holder, pid -> Optional.empty()));
    assertNull(HolderCheck.liveHolder(me, me, pid -> Optional.of(java)), "this very process");
    assertEquals(
        "clvmd pid 200 on host other",
        HolderCheck.liveHolder(
            me, new NodeInfo("n1", "other", 200, "t", 1), pid -> Optional.empty()));
  }

  private NodeInfo registered(CuratorFramework c) throws Exception {
    return Json.read(c.getData().forPath(layout.node("n1")), NodeInfo.class);
  }

  private long owner(CuratorFramework c) throws Exception {
    Stat st = c.checkExists().forPath(layout.node("n1"));
    return st == null ? 0 : st.getEphemeralOwner();
  }

  private long ownerOr0(CuratorFramework c) {
    try {
      return owner(c);
    } catch (Exception e) {
      return 0;
    }
  }

  /** The pid of a process that has exited (and been reaped). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
