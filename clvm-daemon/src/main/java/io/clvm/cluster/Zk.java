package io.clvm.cluster;

import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Turns Curator's {@code throws Exception} into clvm's exceptions at the API boundary: connection
 * problems become {@link ClusterUnavailableException}, other ZooKeeper errors IOException.
 */
public final class Zk {
  /** A Curator call. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  /** A Curator call without a result. */
  @FunctionalInterface
  public interface Run {
    void run() throws Exception;
  }

  private Zk() {}

  /**
   * The client's current ZooKeeper session: the owner its ephemeral znodes get. Curator starts a
   * new one after an expiry, so read it when needed, never keep it.
   */
  public static long session(CuratorFramework client) throws Exception {
    return client.getZookeeperClient().getZooKeeper().getSessionId();
  }

  public static <T> T io(Call<T> call) throws IOException, InterruptedException {
    try {
      return call.call();
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (KeeperException.ConnectionLossException
        | KeeperException.SessionExpiredException
        | KeeperException.OperationTimeoutException e) {
      throw new ClusterUnavailableException("ZooKeeper: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException("ZooKeeper: " + e.getMessage(), e);
    }
  }

  public static void io(Run run) throws IOException, InterruptedException {
    io(
        () -> {
          run.run();
          return null;
        });
  }
}
