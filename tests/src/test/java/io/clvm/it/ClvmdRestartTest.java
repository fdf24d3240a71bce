package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.ZeroTarget;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.VolumeGroup;
import io.clvm.it.harness.CliResult;
import io.clvm.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clvmd killed (kill -9) and started again while the device-mapper keeps its devices, as the
 * kernel does: node 1's clvmd and the one restarted after it share one in-memory device-mapper. The
 * kill stops the daemon but keeps its ZooKeeper session open (its Curator client), as a killed
 * process's session lives on until ZooKeeper expires it; closing that client ends it. The restarted
 * clvmd adopts the devices whose activation its previous session still holds, and fences the others
 * (docs/cluster-protocol.md, Fencing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClvmdRestartTest {
  /** lvm2's default extent: 4 MiB = 8192 sectors. */
  private static final long EXTENT = 8192;

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;

  private InProcessCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new InProcessCluster(dir, 64L << 20, "propagation.timeoutMs = 2000");
    cluster.sharedVg("vg");
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDeviceWhoseActivationLivesOnIsAdoptedAndStaysExclusive() throws Exception {
    cluster.ok(1, "lvcreate", "-an", "-l", "2", "-n", "adopt", "vg");
    cluster.ok(1, "lvchange", "-aey", "vg/adopt");
    Table before = live(1, "adopt").orElseThrow();
    InMemoryDeviceMapper dm = cluster.deviceMapper(1);
    // Devices that are not this node's LVs: another node's prefix (a shared kernel), this node's
    // prefix without an LVM dm UUID, and none at all.
    String otherUuid = "ip9-LVM-" + LvmUuid.random().raw() + LvmUuid.random().raw();
    zeroDevice(dm, "ip9-vg-other", otherUuid);
    zeroDevice(dm, "ip1-crypt", "CRYPT-LUKS2-ip1-clvmtest");
    zeroDevice(dm, "ip1-plain", null);

    CuratorFramework old = cluster.kill(1);
    long oldSession = old.getZookeeperClient().getZooKeeper().getSessionId();
    assertEquals(oldSession, owner("adopt"), "the killed clvmd's session holds the activation");
    cluster.restart(1);

    long newSession = session(1);
    assertNotEquals(oldSession, newSession);
    assertEquals(newSession, owner("adopt"), "the activation is the restarted clvmd's");
    assertEquals(before, live(1, "adopt").orElseThrow(), "table left as it was");
    assertTrue(cluster.daemon(1).cluster().fencer().fenced().isEmpty());
    String adopted = lvUuid("adopt");
    assertTrue(
        cluster.daemon(1).cluster().activations().local().stream()
            .anyMatch(a -> a.lvUuid().equals(adopted)),
        "registered as this process's: fencing and propagation see it");

    old.close(); // the previous session ends
    assertEquals(newSession, owner("adopt"), "the activation outlives the previous session");
    CliResult taken = cluster.run(2, "lvchange", "-aey", "vg/adopt");
    assertNotEquals(0, taken.exit(), taken.toString());
    assertTrue(taken.err().contains("active on node"), taken.toString());

    for (String untouched : new String[] {"ip9-vg-other", "ip1-crypt", "ip1-plain"}) {
      assertEquals(
          "0 8 zero",
          dm.table(DmName.of(untouched), TableSlot.LIVE).orElseThrow().toString().strip(),
          untouched + " untouched");
    }
    cluster.ok(1, "lvchange", "-an", "vg/adopt");
    assertTrue(live(1, "adopt").isEmpty());
  }

  @Test
  void aDeviceWhoseActivationExpiredIsFencedUntilDeactivated() throws Exception {
    cluster.ok(1, "lvcreate", "-an", "-l", "2", "-n", "expired", "vg");
    cluster.ok(1, "lvchange", "-asy", "vg/expired");
    // A device of this node's prefix whose VG the cluster does not manage (removed meanwhile).
    String ghost = "ip1-LVM-" + LvmUuid.random().raw() + LvmUuid.random().raw();
    zeroDevice(cluster.deviceMapper(1), "ip1-gone-lv", ghost);

    cluster.kill(1).close(); // killed, and its session already expired before the restart
    Await.until("activation gone with the session", WAIT, () -> owner("expired") == 0);
    cluster.restart(1);

    assertEquals(
        "error",
        live(1, "expired").orElseThrow().lines().get(0).target().type(),
        "fenced: an error target");
    assertEquals(2 * EXTENT, live(1, "expired").orElseThrow().size().count(), "same size");
    assertEquals(
        "error",
        cluster
            .deviceMapper(1)
            .table(DmName.of("ip1-gone-lv"), TableSlot.LIVE)
            .orElseThrow()
            .lines()
            .get(0)
            .target()
            .type());
    String key = vgUuid() + "/" + lvUuid("expired");
    assertTrue(cluster.daemon(1).cluster().fencer().fenced().contains(key));
    assertEquals(0, owner("expired"), "no activation registered for a fenced device");
    CliResult status = cluster.ok(1, "cluster", "status");
    assertTrue(status.out().contains("FENCED on"), status.toString());
    CliResult health = cluster.run(1, "cluster", "health");
    assertEquals(2, health.exit(), health.toString());

    // Another node may own it now.
    cluster.ok(2, "lvchange", "-aey", "vg/expired");
    // lvchange -an here removes the fenced device and the fence.
    cluster.ok(1, "lvchange", "-an", "vg/expired");
    assertTrue(live(1, "expired").isEmpty(), "device removed");
    assertFalse(cluster.daemon(1).cluster().fencer().fenced().contains(key));
    assertEquals(session(2), owner("expired", 2), "node 2's activation untouched");
    cluster.ok(2, "lvchange", "-an", "vg/expired");
    cluster.deviceMapper(1).remove(DmName.of("ip1-gone-lv"));
  }

  @Test
  void aTableTheMetadataChangedWhileNoClvmdRanIsReloaded() throws Exception {
    cluster.ok(1, "lvcreate", "-an", "-l", "2", "-n", "grown", "vg");
    cluster.ok(1, "lvchange", "-asy", "vg/grown");
    cluster.ok(2, "lvchange", "-asy", "vg/grown");
    CuratorFramework old = cluster.kill(1);
    // Node 1's activation stays (its session lives), so node 2 waits for it in vain, then commits.
    cluster.run(2, "lvextend", "-l", "+3", "vg/grown");
    assertEquals(5, cluster.onDisk("vg").lv("grown").orElseThrow().extentCount());
    assertEquals(2 * EXTENT, cluster.liveSectors(1, "vg", "grown"), "node 1 still maps 2 extents");
    cluster.restart(1);

    assertEquals(5 * EXTENT, cluster.liveSectors(1, "vg", "grown"), "reloaded at start");
    assertEquals(5 * EXTENT, cluster.liveSectors(2, "vg", "grown"));
    assertEquals(session(1), owner("grown"));
    assertTrue(cluster.daemon(1).cluster().fencer().fenced().isEmpty());
    old.close();
    // Adopted: the next change reaches node 1 by propagation.
    CliResult r = cluster.ok(2, "lvextend", "-l", "+1", "vg/grown");
    assertTrue(r.out().contains("applied on 2/2 nodes"), r.toString());
    assertEquals(6 * EXTENT, cluster.liveSectors(1, "vg", "grown"));
    cluster.ok(1, "lvchange", "-an", "vg/grown");
    cluster.ok(2, "lvchange", "-an", "vg/grown");
  }

  private static void zeroDevice(InMemoryDeviceMapper dm, String name, String uuid)
      throws Exception {
    DmName n = DmName.of(name);
    dm.create(n, Optional.ofNullable(uuid).map(DmUuid::of));
    dm.loadTable(n, Table.single(Sectors.of(8), new ZeroTarget()));
    dm.resume(n);
  }

  private Optional<Table> live(int node, String lv) throws Exception {
    return cluster.tables(node).liveTable("vg", lv);
  }

  private VolumeGroup vg() throws Exception {
    return cluster.onDisk("vg");
  }

  private String vgUuid() throws Exception {
    return vg().id().dashed();
  }

  private String lvUuid(String lv) throws Exception {
    return vg().lv(lv).orElseThrow().id().dashed();
  }

  private long session(int node) throws Exception {
    return cluster
        .daemon(node)
        .cluster()
        .client()
        .getZookeeperClient()
        .getZooKeeper()
        .getSessionId();
  }

  /** The session owning node 1's activation of {@code lv} (0: none). */
  private long owner(String lv) {
    return owner(lv, 1);
  }

  /** The session owning node {@code node}'s activation of {@code lv} (0: none), read by node 2. */
  private long owner(String lv, int node) {
    try {
      var c = cluster.daemon(2).cluster();
      Stat st =
          c.client()
              .checkExists()
              .forPath(c.layout().lvActiveNode(vgUuid(), lvUuid(lv), "node" + node));
      return st == null ? 0 : st.getEphemeralOwner();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
