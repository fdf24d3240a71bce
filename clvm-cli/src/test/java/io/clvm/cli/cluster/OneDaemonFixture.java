package io.clvm.cli.cluster;

import io.clvm.testing.cluster.NodeConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the tests of one real clvmd in this JVM share: a file PV, the cluster-mode clvm.conf of a
 * single node (clvmd's embedded ZooKeeper, the in-memory device-mapper, every file in the test's
 * folder, the socket open to whoever runs the test), and the CLI's entry point run against it.
 */
final class OneDaemonFixture {
  private OneDaemonFixture() {}

  /** One command's exit code and output. */
  record Run(int exit, String out, String err) {}

  /** A sparse PV file {@code <dir>/pv0-clvmtest.img} of {@code bytes}. */
  static Path pvFile(Path dir, long bytes) throws IOException {
    Path pv = dir.resolve("pv0-clvmtest.img");
    try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
      f.setLength(bytes);
    }
    return pv;
  }

  /** The socket the configuration of {@link #config} names. */
  static Path socket(Path dir) {
    return dir.resolve("clvmd.sock");
  }

  /** Node {@code nodeId} of cluster {@code cluster}, alone, on {@code pv}; add to it freely. */
  static NodeConfig config(Path dir, Path pv, String nodeId, String cluster) {
    return NodeConfig.clusterNode(cluster, nodeId)
        .set("global.lock_dir", dir.resolve("lock").toString())
        .set("backup.backup_dir", dir.resolve("backup").toString())
        .set("backup.archive_dir", dir.resolve("archive").toString())
        .set("devices.devices", pv.toString())
        .set("activation.device_mapper", "memory")
        .embeddedZookeeper(dir.resolve("zk"))
        .socket(socket(dir), System.getProperty("user.name"));
  }

  /** {@code clvm args...} with {@code CLVM_CONF=conf}, through the CLI's real entry point. */
  static Run run(Path conf, String... args) {
    io.clvm.cli.CapturedCli.Outcome o =
        io.clvm.cli.CapturedCli.run(Map.of("CLVM_CONF", conf.toString()), "", args);
    return new Run(o.exit(), o.out(), o.err());
  }
}
