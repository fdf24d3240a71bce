package io.clvm.cluster.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.ZkTesting;
import io.clvm.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterLocksTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final ZkTesting zk = new ZkTesting();
  private final ClusterLayout layout = new ClusterLayout("/clvm/locks");
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private TestingServer server;

  @BeforeEach
  void start() throws Exception {
    server = zk.server();
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    zk.close();
  }

  private ClusterLocks locksFor(String node) throws Exception {
    var client = zk.client(server.getConnectString());
    return new ClusterLocks(
        client, layout, zk.track(new ConnectionGuard(client, layout.root())), node);
  }

  /** Like Curator's FakeLimitedResource: fails if two holders are ever inside at once. */
  @Test
  void vgLockIsMutuallyExclusiveAcrossNodes() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger entries = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      ClusterLocks locks = locksFor("n" + n);
      for (int t = 0; t < 2; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5; i++) {
                    try (LockHandle h = locks.vg("vg1", "lvextend", LONG)) {
                      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                      entries.incrementAndGet();
                      Thread.yield();
                      inside.decrementAndGet();
                    }
                  }
                  return null;
                }));
      }
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertEquals(30, entries.get());
    assertEquals(1, maxInside.get());
  }

  @Test
  void waitersAreServedInArrivalOrderAndVisibleToOthers() throws Exception {
    ClusterLocks a = locksFor("a");
    ClusterLocks observer = locksFor("observer");
    String path = layout.vgLock("vg1");
    LockHandle held = a.vg("vg1", "lvcreate vg1/x", LONG);
    LockView first = observer.view(path);
    assertEquals("a", first.current().orElseThrow().node());
    assertEquals("lvcreate vg1/x", first.current().get().command());
    assertEquals(ProcessHandle.current().pid(), first.current().get().pid());
    assertTrue(first.current().get().since() > 0);

    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> waiters = new ArrayList<>();
    for (String name : List.of("b", "c", "d")) {
      ClusterLocks locks = locksFor(name);
      waiters.add(
          pool.submit(
              () -> {
                try (LockHandle h = locks.vg("vg1", "lvextend by " + name, LONG)) {
                  order.add(name);
                }
                return null;
              }));
      int expected = waiters.size();
      Await.until(
          name + " queued",
          ZkTesting.WAIT,
          () -> {
            try {
              return observer.view(path).waiters().size() == expected;
            } catch (Exception e) {
              return false;
            }
          });
    }
    LockView queued = observer.view(path);
    assertEquals(List.of("b", "c", "d"), queued.waiters().stream().map(LockHolder::node).toList());
    assertEquals("lvextend by c", queued.waiters().get(1).command());

    held.close();
    held.close(); // idempotent
    for (Future<?> f : waiters) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertEquals(List.of("b", "c", "d"), order);
    assertTrue(observer.view(path).current().isEmpty());
  }

  @Test
  void timeoutNamesTheHolder() throws Exception {
    ClusterLocks a = locksFor("a");
    ClusterLocks b = locksFor("b");
    try (LockHandle h = a.global("vgcreate vg9", LONG)) {
      LockTimeoutException e =
          assertThrows(
              LockTimeoutException.class, () -> b.global("vgremove vg9", Duration.ofMillis(200)));
      assertTrue(e.getMessage().contains("node a pid"), e.getMessage());
      assertTrue(e.getMessage().contains("vgcreate vg9"), e.getMessage());
    }
    try (LockHandle h = b.global("vgremove vg9", LONG)) {
      assertEquals(layout.globalLock(), h.path());
    }
  }
}
