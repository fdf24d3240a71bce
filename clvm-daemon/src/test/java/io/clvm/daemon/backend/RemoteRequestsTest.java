package io.clvm.daemon.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.testing.cluster.ZooKeeperTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** Requests to another node's daemon through ZooKeeper, against a real ZooKeeper server. */
class RemoteRequestsTest {
  private static CuratorFramework client(TestingServer zk) {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
    c.start();
    return c;
  }

  @Test
  void theTargetNodeRunsTheRequestAndAnswers() throws Exception {
    try (ZooKeeperTestServer.Owned zk = ZooKeeperTestServer.startInTemp();
        CuratorFramework a = client(zk.server());
        CuratorFramework b = client(zk.server());
        RemoteRequests ra =
            new RemoteRequests(a, "/clvm/t", "a", r -> ControlResponse.ok("a ran it\n"));
        RemoteRequests rb =
            new RemoteRequests(
                b,
                "/clvm/t",
                "b",
                r -> ControlResponse.ok("b ran " + r.command() + " " + r.argv() + "\n"))) {
      ra.start();
      rb.start();
      ControlResponse r =
          ra.send(
              "b",
              ControlRequest.command("lvchange", List.of("-ay", "vg/lv"), "/", Map.of()),
              Duration.ofSeconds(30));
      assertEquals(0, r.exitCode());
      assertEquals("b ran lvchange [-ay, vg/lv]\n", r.stdout());
      assertEquals(List.of("a", "b"), ra.nodes());
      // The answered request is gone.
      assertTrue(a.getChildren().forPath("/clvm/t/requests/b").isEmpty());
    }
  }

  @Test
  void aNodeThatDoesNotAnswerIsNamed() throws Exception {
    try (ZooKeeperTestServer.Owned zk = ZooKeeperTestServer.startInTemp();
        CuratorFramework a = client(zk.server());
        RemoteRequests ra =
            new RemoteRequests(a, "/clvm/t", "a", r -> ControlResponse.ok("unused\n"))) {
      ra.start();
      ControlResponse r =
          ra.send(
              "ghost",
              ControlRequest.command("lvchange", List.of("-an", "vg/lv"), "/", Map.of()),
              Duration.ofMillis(300));
      assertEquals(5, r.exitCode());
      assertTrue(r.stderr().contains("ghost did not answer"), r.stderr());
      assertTrue(a.getChildren().forPath("/clvm/t/requests/ghost").isEmpty());
    }
  }

  @Test
  void aFailingHandlerBecomesAnError() throws Exception {
    try (ZooKeeperTestServer.Owned zk = ZooKeeperTestServer.startInTemp();
        CuratorFramework a = client(zk.server());
        CuratorFramework b = client(zk.server());
        RemoteRequests ra = new RemoteRequests(a, "/clvm/t", "a", r -> ControlResponse.ok(""));
        RemoteRequests rb =
            new RemoteRequests(
                b,
                "/clvm/t",
                "b",
                r -> {
                  throw new IllegalStateException("boom");
                })) {
      ra.start();
      rb.start();
      ControlResponse r =
          ra.send(
              "b",
              ControlRequest.command("vgchange", List.of(), "/", Map.of()),
              Duration.ofSeconds(30));
      assertEquals(5, r.exitCode());
      assertTrue(r.stderr().contains("boom"), r.stderr());
    }
  }
}
