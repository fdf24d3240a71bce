package io.clvm.testing.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Curator's test ZooKeeper server with its files inside the test's own directory. The embedded
 * server writes a {@code zookeeper.configuration*.properties} file beside its data directory and
 * never removes it; with {@code new TestingServer(true)} that is {@code /tmp}, thousands of them
 * after a few builds. Here it lands in {@code <dir>/zk}, which the fixture removes.
 */
public final class ZooKeeperTestServer {
  private ZooKeeperTestServer() {}

  /** A started server (random port, default tick) with its data under {@code <dir>/zk}. */
  public static TestingServer start(Path dir) throws Exception {
    File data = Files.createDirectories(dir.resolve("zk").resolve("data")).toFile();
    return new TestingServer(new InstanceSpec(data, -1, -1, -1, true, -1, -1, -1), true);
  }

  /**
   * The specs of an ensemble of {@code servers} (random ports, default tick) with their data under
   * {@code <dir>/zk<i>/data}, for {@code new TestingCluster(specs)}.
   */
  public static List<InstanceSpec> ensemble(Path dir, int servers) throws IOException {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 1; i <= servers; i++) {
      File data = Files.createDirectories(dir.resolve("zk" + i).resolve("data")).toFile();
      specs.add(new InstanceSpec(data, -1, -1, -1, true, -1, -1, -1));
    }
    return specs;
  }

  /**
   * A started server in a directory of its own, for tests without one; the directory goes when the
   * server is closed through {@link Owned#close()}.
   */
  public static Owned startInTemp() throws Exception {
    Path dir = Files.createTempDirectory("clvm-zk-");
    try {
      return new Owned(start(dir), dir);
    } catch (Exception e) {
      ScratchDir.delete(dir);
      throw e;
    }
  }

  /** A server and the directory it owns. */
  public record Owned(TestingServer server, Path dir) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        server.close();
      } finally {
        ScratchDir.delete(dir);
      }
    }
  }
}
