package io.clvm.cluster.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.ConnectionGuard.Health;
import io.clvm.cluster.TcpProxy;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.ZkTesting;
import io.clvm.cluster.activation.ActivationConflictException;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.LinearTarget;
import io.clvm.dm.table.Table;
import io.clvm.testing.Await;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node A is partitioned from ZooKeeper through a proxy; node B keeps its connection. */
class FencingTest {
  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final DmName DEVICE = DmName.of("vg1-lv1");

  private final TestNodes nodes = new TestNodes();
  private TestingServer server;
  private TcpProxy proxy;
  private final InMemoryDeviceMapper dm = new InMemoryDeviceMapper();

  @BeforeEach
  void start() throws Exception {
    server = nodes.zk.server();
    proxy = nodes.zk.track(new TcpProxy(server.getPort()));
    DeviceNumber disk = new DeviceNumber(7, 0);
    dm.addBlockDevice(disk, Sectors.of(1 << 20));
    new DeviceMapperOperations(dm)
        .createActive(
            DEVICE,
            Optional.empty(),
            Table.single(Sectors.of(2048), new LinearTarget(disk, Sectors.of(2048))));
  }

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  private ClusterNode partitionableNode(LocalTables tables) throws Exception {
    CuratorFramework client = nodes.zk.client(proxy.connectString(), SESSION);
    ClusterNode a =
        new ClusterNode(
            client,
            TestNodes.LAYOUT,
            new ClusterNode.Options("a", "test", GRACE, TestNodes.SETTINGS, FailPoint.NONE),
            nodes.disks,
            vg -> {},
            tables);
    nodes.zk.track(a);
    a.start(ZkTesting.WAIT);
    return a;
  }

  private String liveTarget() throws Exception {
    return dm.table(DEVICE, TableSlot.LIVE).orElseThrow().lines().get(0).target().type();
  }

  @Test
  void shortPartitionFencesThenRestoresAfterRevalidation() throws Exception {
    ClusterNode a =
        partitionableNode(
            new DeviceMapperTables(
                dm, (vg, lv) -> Optional.of(DEVICE).filter(d -> lv.equals("lv1"))));
    a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");
    a.activate("vg1", "lv2", ActivationMode.SHARED, "lvchange -asy");
    assertEquals("linear", liveTarget());

    proxy.cut();
    Await.until("A fenced lv1", ZkTesting.WAIT, () -> a.fencer().fenced().contains("vg1/lv1"));
    assertEquals("error", liveTarget());
    // Shared too: its znode would vanish with the session as well (issue 7's fault suite).
    assertEquals(
        java.util.Set.of("vg1/lv1", "vg1/lv2"), a.fencer().fenced(), "shared LVs are fenced too");

    proxy.restore();
    assertTrue(a.guard().awaitGood(ZkTesting.WAIT));
    assertTrue(a.fencer().fenced().isEmpty());
    assertEquals("linear", liveTarget());
    assertEquals(Sectors.of(2048), dm.table(DEVICE, TableSlot.LIVE).orElseThrow().size());
  }

  @Test
  void expiredNodeStaysFencedAndAnotherNodeTakesOver() throws Exception {
    ClusterNode a =
        partitionableNode(nodes.tables.computeIfAbsent("a", k -> new io.clvm.cluster.FakeTables()));
    ClusterNode b = nodes.node("b", server.getConnectString());
    a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");
    nodes.tables.get("a").load("vg1", "lv1");

    proxy.cut();
    Await.until(
        "A fenced",
        ZkTesting.WAIT,
        () -> nodes.tables.get("a").table("vg1", "lv1").equals("error"));
    // A's session has not expired yet: its exclusive activation still stands.
    assertThrows(
        ActivationConflictException.class,
        () -> b.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey"));

    AtomicBoolean taken = new AtomicBoolean();
    Await.until(
        "B takes lv1 over once A's session expired",
        ZkTesting.WAIT,
        () -> {
          try {
            b.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");
            taken.set(true);
            return true;
          } catch (ActivationConflictException e) {
            return false;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertTrue(taken.get());

    proxy.restore();
    Await.until("A reconnected", ZkTesting.WAIT, () -> a.guard().health() == Health.GOOD);
    // New session: ownership cannot be revalidated, so A's table stays an error target.
    assertEquals("error", nodes.tables.get("a").table("vg1", "lv1"));
    assertTrue(a.activations().local().isEmpty());
    assertThrows(
        ActivationConflictException.class,
        () -> a.activate("vg1", "lv1", ActivationMode.SHARED, "lvchange -asy"));
  }

  /**
   * A command registers its activation, the connection drops before it loads the table (so the
   * grace fence finds nothing to fence), and the table is loaded after. If the session survived,
   * the table stays; if it expired, the activation is gone and the table must not stay mapped.
   */
  @Test
  void aTableLoadedAcrossAnOutageIsKeptOnlyIfTheActivationSurvived() throws Exception {
    AtomicBoolean loaded = new AtomicBoolean();
    ClusterNode a =
        partitionableNode(
            new DeviceMapperTables(
                dm, (vg, lv) -> Optional.of(DEVICE).filter(d -> loaded.get() && lv.equals("lv1"))));
    long generation = a.guard().generation();
    a.activate("vg1", "lv1", ActivationMode.EXCLUSIVE, "lvchange -aey");

    proxy.cut();
    Await.until("A fenced lv1", ZkTesting.WAIT, () -> a.fencer().fenced().contains("vg1/lv1"));
    proxy.restore();
    assertTrue(a.guard().awaitGood(ZkTesting.WAIT));
    loaded.set(true); // the command's table load, after the outage
    assertTrue(a.fencer().confirmLoaded("vg1", "lv1", generation));
    assertEquals("linear", liveTarget(), "the activation survived: the table stays");

    generation = a.guard().generation();
    loaded.set(false);
    proxy.cut();
    Await.until("A's session lost", ZkTesting.WAIT, () -> a.guard().health() == Health.LOST);
    proxy.restore();
    assertTrue(a.guard().awaitGood(ZkTesting.WAIT));
    loaded.set(true);
    assertFalse(a.fencer().confirmLoaded("vg1", "lv1", generation), "activation expired");
    assertEquals("error", liveTarget(), "a table whose activation expired stays mapped");
  }
}
