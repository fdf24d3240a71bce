package io.clvm.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.Json;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
  @TempDir Path dir;
  private ControlServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private Path start(Set<String> users, int maxBytes, Duration timeout, int maxClients)
      throws IOException {
    Path socket = dir.resolve("run/clvmd.sock");
    server =
        new ControlServer(
            new ControlServer.Settings(socket, users, maxBytes, timeout, maxClients),
            (request, peer) -> {
              if (request.command().equals("fail")) {
                throw new IOException("Volume group \"vg9\" not found");
              }
              return ControlResponse.ok(
                  peer.user()
                      + " ran "
                      + request.command()
                      + " "
                      + String.join(" ", request.argv()));
            },
            () -> Map.of("nodes", List.of("n1")));
    server.start();
    return socket;
  }

  private Path start() throws IOException {
    return start(Set.of("root"), 1024, Duration.ofSeconds(2), 4);
  }

  private static ControlResponse raw(Path socket, byte[] bytes) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap(bytes));
      return Json.read(Channels.newInputStream(ch).readAllBytes(), ControlResponse.class);
    }
  }

  @Test
  void rootIsServedOnAPrivateSocket() throws Exception {
    Path socket = start();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    assertEquals("pong\n", ControlClient.send(socket, ControlRequest.of("ping")).stdout());
    ControlResponse r =
        ControlClient.send(
            socket, ControlRequest.command("lvextend", List.of("-L+1g", "vg/lv"), "/", Map.of()));
    assertEquals(0, r.exitCode());
    assertEquals("root ran lvextend -L+1g vg/lv", r.stdout());
    ControlResponse failed =
        ControlClient.send(socket, ControlRequest.command("fail", List.of(), "/", Map.of()));
    assertEquals(5, failed.exitCode());
    assertEquals("clvmd: Volume group \"vg9\" not found\n", failed.stderr());
    ControlResponse status = ControlClient.send(socket, ControlRequest.of("status"));
    assertEquals("n1", status.data().get("nodes").get(0).asText());
  }

  @Test
  void garbageGetsAClearErrorAndOthersAreStillServed() throws Exception {
    Path socket = start();
    ControlResponse r = raw(socket, "{{{ not json\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(3, r.exitCode());
    assertTrue(r.stderr().startsWith("clvmd: malformed request"), r.stderr());
    assertEquals(3, raw(socket, "{\"version\":99,\"type\":\"ping\"}\n".getBytes()).exitCode());
    assertTrue(
        raw(socket, "{\"version\":1,\"type\":\"dance\"}\n".getBytes())
            .stderr()
            .contains("unknown request type"));
    assertTrue(
        raw(socket, "{\"version\":1,\"type\":\"command\"}\n".getBytes())
            .stderr()
            .contains("without a command name"));
    assertEquals(3, raw(socket, "null\n".getBytes()).exitCode());
    assertEquals(0, ControlClient.send(socket, ControlRequest.of("ping")).exitCode());
  }

  @Test
  void oversizedRequestIsRefused() throws Exception {
    Path socket = start();
    byte[] big = new byte[5000];
    java.util.Arrays.fill(big, (byte) 'x');
    ControlResponse r = raw(socket, big);
    assertEquals(3, r.exitCode());
    assertTrue(r.stderr().contains("larger than 1024 bytes"), r.stderr());
    assertEquals(0, ControlClient.send(socket, ControlRequest.of("ping")).exitCode());
  }

  @Test
  void silentClientTimesOutWhileOthersAreServed() throws Exception {
    Path socket = start(Set.of("root"), 1024, Duration.ofMillis(1500), 4);
    try (SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.connect(UnixDomainSocketAddress.of(socket));
      assertEquals(0, ControlClient.send(socket, ControlRequest.of("ping")).exitCode());
      ControlResponse r =
          Json.read(Channels.newInputStream(silent).readAllBytes(), ControlResponse.class);
      assertTrue(r.stderr().contains("no complete request within 1500 ms"), r.stderr());
    }
  }

  @Test
  void aFullPoolAnswersBusy() throws Exception {
    Path socket = start(Set.of("root"), 1024, Duration.ofSeconds(5), 1);
    try (SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.connect(UnixDomainSocketAddress.of(socket));
      ControlResponse r = ControlClient.send(socket, ControlRequest.of("ping"));
      assertEquals(5, r.exitCode());
      assertTrue(r.stderr().contains("busy"), r.stderr());
    }
  }

  @Test
  void otherUsersAreRefusedByTheirKernelCredentials() throws Exception {
    Path socket = start(Set.of("nobody"), 1024, Duration.ofSeconds(2), 4);
    ControlResponse r = ControlClient.send(socket, ControlRequest.of("ping"));
    assertEquals(5, r.exitCode());
    assertTrue(r.stderr().contains("permission denied"), r.stderr());
  }

  @Test
  void staleSocketIsReplacedButALiveDaemonIsNot() throws Exception {
    Path socket = dir.resolve("run/clvmd.sock");
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket));
    start();
    ControlServer second =
        new ControlServer(
            new ControlServer.Settings(socket, Set.of("root"), 10, Duration.ofSeconds(1), 1),
            (r, p) -> null,
            () -> null);
    IOException e = assertThrows(IOException.class, second::start);
    assertTrue(e.getMessage().contains("already listening"), e.getMessage());
    server.close();
    assertTrue(Files.notExists(socket));
    server = null;
    assertThrows(IOException.class, () -> ControlClient.send(socket, ControlRequest.of("ping")));
  }
}
