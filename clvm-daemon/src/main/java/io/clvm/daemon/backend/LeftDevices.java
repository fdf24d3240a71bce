package io.clvm.daemon.backend;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationConflictException;
import io.clvm.cluster.lock.LockHandle;
import io.clvm.daemon.backend.NodeTables.LvDeviceHere;
import io.clvm.dm.lvm.LvActivation;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.VolumeGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At clvmd start: the LV devices a previous clvmd of this node left in the device-mapper. The
 * kernel's devices outlive a killed clvmd (kill -9, OOM, crash) with their tables live, while the
 * process's activation znodes live only as long as its ZooKeeper session. Each device of this node
 * (its dm name prefix, an LVM dm UUID) is, under its VG's lock:
 *
 * <ul>
 *   <li><b>adopted</b> when its LV still has an {@code active/<this node>} znode: a previous
 *       session of this node holds it, so no other node can have taken the LV exclusively (every
 *       activation checks under the VG lock). The activation is registered again under this session
 *       with the same mode, and the table reloaded if the committed metadata changed it meanwhile
 *       (as propagation would have);
 *   <li><b>fenced</b> (an {@code error} table, see {@link io.clvm.cluster.fence.Fencer#fenceLeft})
 *       otherwise: the previous session expired and another node may own the LV now, or its LV or
 *       VG is gone from the committed metadata, or its committed table cannot be loaded here.
 * </ul>
 *
 * <p>A device whose VG ZooKeeper does not know is fenced only with a dm name prefix (then it is
 * clvmd's for certain); without one it may be the host's own lvm2 VG and is left alone.
 */
final class LeftDevices {
  private static final Logger LOG = LoggerFactory.getLogger(LeftDevices.class);

  /** The lock holder's label, as {@code cluster status} shows it. */
  private static final String LABEL = "clvmd start: devices left by a previous clvmd";

  private static final String EXPIRED = "left by a previous clvmd; its activation expired";

  private final ClusterBackend backend;
  private final ClusterNode cluster;
  private final NodeTables tables;
  private final Duration lockTimeout;
  private int adopted;
  private int reloaded;
  private int fenced;
  private int fenceFailed;
  private int leftAlone;

  LeftDevices(ClusterBackend backend, ClusterNode cluster, Duration lockTimeout) {
    this.backend = backend;
    this.cluster = cluster;
    this.tables = backend.tables();
    this.lockTimeout = lockTimeout;
  }

  /** Adopts or fences every LV device of this node; logs one summary line. */
  void reconcile() throws IOException, InterruptedException {
    Map<String, List<LvDeviceHere>> byVg = new TreeMap<>();
    for (LvDeviceHere d : tables.lvDevices()) {
      byVg.computeIfAbsent(d.vgUuid(), k -> new ArrayList<>()).add(d);
    }
    Set<String> managed = byVg.isEmpty() ? Set.of() : managedVgs();
    for (Map.Entry<String, List<LvDeviceHere>> vg : byVg.entrySet()) {
      if (managed.contains(vg.getKey())) {
        reconcileVg(vg.getKey(), vg.getValue());
      } else if (!tables.prefix().isEmpty()) {
        for (LvDeviceHere d : vg.getValue()) {
          fence(
              d,
              "left by a previous clvmd; its VG is no longer managed by the cluster"
                  + " (remove it: dmsetup remove "
                  + d.name()
                  + ")");
        }
      } else {
        for (LvDeviceHere d : vg.getValue()) {
          leftAlone++;
          LOG.info(
              "device {}: VG {} is not managed by this cluster (the host's own lvm2?), left alone",
              d.name(),
              d.vgUuid());
        }
      }
    }
    LOG.info(
        "devices left by a previous clvmd: adopted {} (tables reloaded {}), fenced {}, fence"
            + " failed {}, left alone {}",
        adopted,
        reloaded,
        fenced,
        fenceFailed,
        leftAlone);
  }

  private Set<String> managedVgs() throws IOException {
    try {
      return Set.copyOf(backend.store().vgUuids());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("ZooKeeper: " + e, e);
    }
  }

  private void reconcileVg(String vgUuid, List<LvDeviceHere> devices)
      throws IOException, InterruptedException {
    try (LockHandle lock = cluster.locks().vg(vgUuid, LABEL, lockTimeout)) {
      // Read under the lock: no commit can change the VG until these devices are settled.
      Optional<VolumeGroup> vg = committed(vgUuid);
      for (LvDeviceHere d : devices) {
        reconcileLv(lock, vg, d);
      }
    }
  }

  private void reconcileLv(LockHandle lock, Optional<VolumeGroup> vg, LvDeviceHere d)
      throws IOException, InterruptedException {
    Optional<Activation> mine = Optional.empty();
    for (Activation a : cluster.activations().activations(d.vgUuid(), d.lvUuid())) {
      if (a.node().equals(cluster.nodeId())) {
        mine = Optional.of(a);
      }
    }
    if (mine.isEmpty()) {
      fence(d, EXPIRED);
      return;
    }
    Optional<LogicalVolume> lv =
        vg.flatMap(
            v -> v.lvs().stream().filter(l -> l.id().dashed().equals(d.lvUuid())).findFirst());
    if (lv.isEmpty()) {
      fence(
          d,
          "left by a previous clvmd; its LV is no longer in the committed metadata"
              + " (remove it: dmsetup remove "
              + d.name()
              + ")");
      return;
    }
    String what = vg.get().name() + "/" + lv.get().name();
    if (!tables.dmName(vg.get().name(), lv.get().name()).equals(d.name())) {
      // An LV active on a node cannot be renamed, so this is not expected; the device's name
      // would not be the one the commands and propagation look for.
      fence(
          d,
          "left by a previous clvmd; "
              + what
              + " is committed under another dm name (remove it: dmsetup remove "
              + d.name()
              + ")");
      return;
    }
    try {
      cluster.activations().activate(lock, d.vgUuid(), d.lvUuid(), mine.get().mode());
    } catch (ActivationConflictException e) {
      fence(d, "left by a previous clvmd; " + e.getMessage());
      return;
    }
    LvActivation.Outcome outcome;
    try {
      outcome = backend.loadTable(vg.get(), lv.get());
      tables.resumeIfSuspended(d.name());
    } catch (IOException | RuntimeException e) {
      fence(
          d,
          "left by a previous clvmd; the committed table of seqno "
              + vg.get().seqno()
              + " cannot be loaded here: "
              + e.getMessage());
      synchronized (tables) {
        cluster.activations().forget(d.vgUuid(), d.lvUuid());
      }
      cluster.deactivate(d.vgUuid(), d.lvUuid());
      return;
    }
    adopted++;
    if (outcome == LvActivation.Outcome.RELOADED) {
      reloaded++;
    }
    LOG.info(
        "{}: adopted the device {} left by a previous clvmd ({}), table {} for seqno {}",
        what,
        d.name(),
        mine.get().mode().word(),
        outcome == LvActivation.Outcome.RELOADED ? "reloaded" : "unchanged",
        vg.get().seqno());
  }

  private void fence(LvDeviceHere d, String reason) {
    if (cluster
        .fencer()
        .fenceLeft(
            d.vgUuid(),
            d.lvUuid(),
            reason,
            () -> tables.fenceDevice(d.name()),
            () -> tables.deviceMapper().info(d.name()).isPresent())) {
      fenced++;
    } else {
      fenceFailed++;
    }
  }

  /** The committed VG, or empty when ZooKeeper no longer has it. */
  private Optional<VolumeGroup> committed(String vgUuid) throws IOException {
    try {
      return Optional.of(
          backend.parsedVgs().parse(backend.store().readMetadata(vgUuid).text()).vg());
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("ZooKeeper: " + e, e);
    }
  }
}
