package io.clvm.daemon.backend;

import io.clvm.cluster.Json;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands run on another node (integ): {@code lvchange -ay --node NODE vg/lv}, {@code vgchange -ay
 * --all-nodes vg}. A node's requests are persistent sequential znodes {@code
 * <root>/requests/<node>/req-NNNNNNNNNN} holding the command line; each daemon watches its own
 * directory, runs each request with the same executor as its control socket, and writes the answer
 * into the same znode; the requester waits (bounded) for it and deletes the znode. Persistent, not
 * ephemeral, so that a request survives a connection blip of either side; a request nobody answers
 * in time is deleted by its requester, which reports the node as not answering.
 */
public final class RemoteRequests implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteRequests.class);

  /** Runs one request here. */
  @FunctionalInterface
  public interface Handler {
    ControlResponse run(ControlRequest request);
  }

  /** A request's znode payload: the command, then the answer. */
  record Payload(String from, ControlRequest request, ControlResponse response) {}

  private final CuratorFramework client;
  private final String root;
  private final String nodeId;
  private final Handler handler;
  private final CuratorCache cache;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clvm-remote-requests");
            t.setDaemon(true);
            return t;
          });

  public RemoteRequests(CuratorFramework client, String clusterRoot, String nodeId, Handler h) {
    this.client = client;
    this.root = clusterRoot + "/requests";
    this.nodeId = nodeId;
    this.handler = h;
    this.cache = CuratorCache.build(client, dir(nodeId));
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
                .forCreates(
                    node -> {
                      if (!node.getPath().equals(dir(nodeId))) {
                        try {
                          worker.execute(() -> serve(node));
                        } catch (RejectedExecutionException e) {
                          // closing
                        }
                      }
                    })
                .build());
  }

  private String dir(String node) {
    return root + "/" + node;
  }

  public void start() throws IOException {
    try {
      client.create().creatingParentsIfNeeded().forPath(dir(nodeId));
    } catch (KeeperException.NodeExistsException e) {
      // from an earlier run
    } catch (Exception e) {
      throw new IOException("cannot create " + dir(nodeId) + ": " + e, e);
    }
    cache.start();
  }

  private void serve(ChildData node) {
    try {
      Payload p = Json.read(node.getData(), Payload.class);
      if (p.response() != null) {
        return; // already answered (seen again after a reconnect)
      }
      LOG.info("node {} asks: {} {}", p.from(), p.request().command(), p.request().argv());
      ControlResponse r;
      try {
        r = handler.run(p.request());
      } catch (RuntimeException e) {
        r = ControlResponse.error(ControlProtocol.EXIT_FAILED, "clvmd " + nodeId + ": " + e);
      }
      client.setData().forPath(node.getPath(), Json.write(new Payload(p.from(), p.request(), r)));
    } catch (KeeperException.NoNodeException e) {
      LOG.debug("request {} withdrawn before it was answered", node.getPath());
    } catch (Exception e) {
      LOG.warn("request {} failed: {}", node.getPath(), e.toString());
    }
  }

  /** Runs {@code request} on {@code node}, waiting up to {@code timeout} for its answer. */
  public ControlResponse send(String node, ControlRequest request, Duration timeout)
      throws Exception {
    String path =
        client
            .create()
            .creatingParentsIfNeeded()
            .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
            .forPath(dir(node) + "/req-", Json.write(new Payload(nodeId, request, null)));
    long deadline = System.nanoTime() + timeout.toNanos();
    Object signal = new Object();
    try {
      while (true) {
        byte[] data =
            client
                .getData()
                .usingWatcher(
                    (org.apache.zookeeper.Watcher)
                        event -> {
                          synchronized (signal) {
                            signal.notifyAll();
                          }
                        })
                .forPath(path);
        Payload p = Json.read(data, Payload.class);
        if (p.response() != null) {
          return p.response();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return ControlResponse.error(
              ControlProtocol.EXIT_FAILED,
              "node " + node + " did not answer within " + timeout.toMillis() + " ms");
        }
        synchronized (signal) {
          signal.wait(Math.max(1, Math.min(500, TimeUnit.NANOSECONDS.toMillis(left))));
        }
      }
    } finally {
      try {
        client.delete().guaranteed().forPath(path);
      } catch (KeeperException.NoNodeException e) {
        // gone
      }
    }
  }

  /** The nodes whose daemons serve requests. */
  public List<String> nodes() throws Exception {
    try {
      return client.getChildren().forPath(root).stream().sorted().toList();
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    cache.close();
    worker.shutdownNow();
  }
}
