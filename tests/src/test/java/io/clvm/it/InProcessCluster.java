package io.clvm.it;

import io.clvm.cli.cluster.CliDaemonBackend;
import io.clvm.daemon.Daemon;
import io.clvm.daemon.backend.NodeTables;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.dm.table.Table;
import io.clvm.it.harness.NodesCli;
import io.clvm.testing.cluster.NodeConfig;
import io.clvm.testing.cluster.ScratchDir;
import io.clvm.testing.cluster.ZooKeeperTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.test.TestingServer;

/**
 * Three clvmd instances inside the test JVM (real ZooKeeper, real control sockets, the real CLI in
 * cluster mode), each with its own in-memory device-mapper, so that a test can look at every node's
 * live tables and make one node's device-mapper fail. The multi-process test ({@link
 * ThreeNodeCluster}) covers separate JVMs; this one sees inside the nodes.
 */
final class InProcessCluster implements AutoCloseable, NodesCli {
  static final int NODES = 3;

  private final Path dir;
  private final TestingServer zk;
  private final List<Path> pvs;
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<CliDaemonBackend> backends = new ArrayList<>();

  /**
   * Each node's device-mapper, made here and handed to its clvmd: a clvmd restarted on the node
   * finds the devices the previous one left, as with a kernel's.
   */
  private final List<InMemoryDeviceMapper> deviceMappers = new ArrayList<>();

  /** Curator clients of killed clvmds ({@link #kill}) whose sessions still live. */
  private final List<org.apache.curator.framework.CuratorFramework> abandoned = new ArrayList<>();

  /** {@code extra} lines go into every node's clvm.conf. */
  InProcessCluster(Path dir, long pvBytes, String... extra) throws Exception {
    this.dir = dir;
    zk = ZooKeeperTestServer.start(dir);
    try {
      pvs = ScratchDir.pvFiles(dir, NODES, pvBytes);
      for (int i = 1; i <= NODES; i++) {
        Files.writeString(config(i), configText(i, extra));
        deviceMappers.add(new InMemoryDeviceMapper());
        CliDaemonBackend backend = new CliDaemonBackend(deviceMappers.get(i - 1));
        backends.add(backend);
        daemons.add(Daemon.start(DaemonConfig.load(config(i)), backend));
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  List<Path> pvs() {
    return pvs;
  }

  /** VG {@code name} as the PVs' metadata areas have it committed now (read as lvm2 reads it). */
  io.clvm.format.model.VolumeGroup onDisk(String name) throws Exception {
    List<io.clvm.format.disk.FileDevice> devs = new ArrayList<>();
    try {
      for (Path p : pvs) {
        devs.add(io.clvm.format.disk.FileDevice.openReadOnly(p));
      }
      byte[] text = io.clvm.format.store.MetadataStore.read(devs, name).text();
      return io.clvm.format.model.MetadataText.parse(
              new String(text, java.nio.charset.StandardCharsets.UTF_8))
          .vg();
    } finally {
      for (io.clvm.format.disk.FileDevice d : devs) {
        d.close();
      }
    }
  }

  /** pvcreate of every PV and {@code vgcreate --shared NAME} of them all, on node 1. */
  void sharedVg(String name) {
    List<String> args = new ArrayList<>(List.of("pvcreate"));
    pvs.forEach(p -> args.add(p.toString()));
    ok(1, args.toArray(new String[0]));
    List<String> vg = new ArrayList<>(List.of("vgcreate", "--shared", name));
    pvs.forEach(p -> vg.add(p.toString()));
    ok(1, vg.toArray(new String[0]));
  }

  @Override
  public Path config(int node) {
    return dir.resolve("node" + node + ".conf");
  }

  private String configText(int node, String... extra) {
    return NodeConfig.nodeIn(dir, "inproc", node)
        .zookeeper(zk.getConnectString(), 10000)
        .set("socket.readTimeoutMs", 30000)
        .devices(pvs)
        .activation("ip" + node + "-", "memory")
        .extra(extra)
        .text();
  }

  /** {@code node}'s clvmd. */
  Daemon daemon(int node) {
    return daemons.get(node - 1);
  }

  /** {@code node}'s engine backend (report cache, tables). */
  io.clvm.daemon.backend.ClusterBackend backend(int node) {
    return backends.get(node - 1).clusterBackend();
  }

  /** {@code node}'s device-mapper tables. */
  NodeTables tables(int node) {
    return backends.get(node - 1).clusterBackend().tables();
  }

  /** {@code node}'s in-memory device-mapper, e.g. to make its next reload fail. */
  InMemoryDeviceMapper deviceMapper(int node) {
    return deviceMappers.get(node - 1);
  }

  /**
   * kill -9 of {@code node}'s clvmd as far as the cluster sees it: it takes no more commands, its
   * devices stay in the node's device-mapper, and its ZooKeeper session (with its activation
   * znodes) lives on until the returned client is closed.
   */
  org.apache.curator.framework.CuratorFramework kill(int node) {
    org.apache.curator.framework.CuratorFramework c = daemon(node).abandonSession();
    abandoned.add(c);
    return c;
  }

  /** Starts {@code node}'s clvmd again, on the node's device-mapper. */
  void restart(int node) throws Exception {
    CliDaemonBackend backend = new CliDaemonBackend(deviceMappers.get(node - 1));
    backends.set(node - 1, backend);
    daemons.set(node - 1, Daemon.start(DaemonConfig.load(config(node)), backend));
  }

  /** The size in sectors of {@code vg/lv}'s live table on {@code node}, or -1 if not active. */
  long liveSectors(int node, String vg, String lv) {
    try {
      Optional<Table> t = tables(node).liveTable(vg, lv);
      return t.map(x -> x.size().count()).orElse(-1L);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    for (Daemon d : daemons) {
      d.close();
    }
    for (org.apache.curator.framework.CuratorFramework c : abandoned) {
      c.close();
    }
    zk.close();
  }
}
