package io.clvm.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds clvm's Curator client: digest credentials, clvm's ACLs, bounded retries. */
public final class ZooKeeperClients {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperClients.class);

  private ZooKeeperClients() {}

  /**
   * A started-later client for {@code connect}. With {@code credentials} ({@code user:password})
   * every node it creates is readable and writable only by that digest identity.
   */
  public static CuratorFramework newClient(
      String connect,
      Optional<String> credentials,
      Duration sessionTimeout,
      Duration connectionTimeout) {
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs((int) connectionTimeout.toMillis())
            // Bounded: a command must fail with a clear error rather than hang while the
            // ensemble is gone (each retry also waits up to the connection timeout for a
            // connection); the ZooKeeper client itself keeps reconnecting regardless.
            .retryPolicy(new ExponentialBackoffRetry(100, 3, 1_000))
            // The ensemble tracker would rewrite the connect string from the servers' dynamic
            // config; clvm uses the configured list as it is.
            .ensembleTracker(false);
    if (credentials.isPresent()) {
      builder
          .authorization("digest", credentials.get().getBytes(StandardCharsets.UTF_8))
          .aclProvider(new ClvmAclProvider(credentials.get()));
    } else {
      LOG.warn(
          "zookeeper.auth is not set: clvm's znodes are open to every client of the ensemble,"
              + " which could take or break clvm's locks");
    }
    return builder.build();
  }
}
