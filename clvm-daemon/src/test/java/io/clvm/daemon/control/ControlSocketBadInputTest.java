package io.clvm.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.Json;
import io.clvm.daemon.config.ConfigException;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.testing.Await;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input on the control socket (issue 7, item 5): each bad request gets a clear error with
 * lvm2's exit code, and the daemon keeps serving the others, in-process against a real unix socket.
 */
class ControlSocketBadInputTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ControlServer server;
  private Path socket;

  /** What the test executor does with a command: echo it, fail, or answer with a large output. */
  private static ControlResponse execute(ControlRequest request) throws Exception {
    switch (request.command()) {
      case "boom":
        throw new IllegalStateException("boom");
      case "npe":
        throw new NullPointerException();
      case "overflow":
        throw new StackOverflowError();
      case "large":
        return ControlResponse.ok("x".repeat(8 << 20));
      default:
        return ControlResponse.ok(request.command() + " " + String.join(" ", request.argv()));
    }
  }

  private Path start(int maxBytes, Duration readTimeout, int maxClients, Duration writeTimeout)
      throws IOException {
    socket = dir.resolve("clvmd.sock");
    server =
        new ControlServer(
            new ControlServer.Settings(
                socket, Set.of("root"), maxBytes, readTimeout, maxClients, writeTimeout),
            (request, peer) -> execute(request),
            () -> Map.of("nodes", List.of("n1")));
    server.start();
    return socket;
  }

  private Path start() throws IOException {
    return start(4096, Duration.ofSeconds(2), 8, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /** Sends {@code bytes} as they are, ends the request, and reads the whole answer. */
  private ControlResponse raw(byte[] bytes) throws IOException {
    try (SocketChannel ch = connect()) {
      try {
        ch.write(ByteBuffer.wrap(bytes));
        ch.shutdownOutput();
      } catch (IOException e) {
        // answered early (too large): the answer is still there to read
      }
      return Json.read(Channels.newInputStream(ch).readAllBytes(), ControlResponse.class);
    }
  }

  private ControlResponse raw(String text) throws IOException {
    return raw(text.getBytes(StandardCharsets.UTF_8));
  }

  private SocketChannel connect() throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  private void assertStillServing() throws IOException {
    ControlResponse r = ControlClient.send(socket, ControlRequest.of("ping"));
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("pong\n", r.stdout());
    ControlResponse c =
        ControlClient.send(socket, ControlRequest.command("lvs", List.of("vg0"), "/", Map.of()));
    assertEquals("lvs vg0", c.stdout());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // request line | expected start of stderr
        "{{{ not json | clvmd: malformed request: Unexpected character",
        "~~ | clvmd: malformed request: No content to map due to end-of-input",
        "[] | clvmd: malformed request: Cannot deserialize value of type",
        "42 | clvmd: malformed request: Cannot construct instance",
        "\"ping\" | clvmd: malformed request: Cannot construct instance",
        "{\"version\":\"1\",\"type\":\"ping\"} | clvmd: malformed request: version: Cannot coerce String",
        "{\"version\":1.5,\"type\":\"ping\"} | clvmd: malformed request: version: Cannot coerce Floating",
        "{\"version\":null,\"type\":\"ping\"} | clvmd: unsupported protocol version 0",
        "{\"version\":true,\"type\":\"ping\"} | clvmd: malformed request: version: Cannot deserialize value",
        "{\"version\":1,\"type\":7} | clvmd: malformed request: type: Cannot coerce Integer",
        "{\"version\":1,\"type\":[\"ping\"]} | clvmd: malformed request: type: Cannot deserialize value",
        "{\"version\":1,\"type\":\"command\",\"command\":\"lvs\",\"argv\":\"-a\"} "
            + "| clvmd: malformed request: argv: Cannot construct instance of `java.util.ArrayList`:"
            + " no String-argument",
        "{\"version\":1,\"type\":\"command\",\"command\":\"lvs\",\"argv\":[1]} "
            + "| clvmd: malformed request: argv[0]: Cannot coerce Integer",
        "{\"version\":1,\"type\":\"command\",\"command\":\"lvs\",\"argv\":[null]} "
            + "| clvmd: malformed request: argv must be a list of strings",
        "{\"version\":1,\"type\":\"command\",\"command\":\"lvs\",\"env\":{\"LVM_X\":null}} "
            + "| clvmd: malformed request: env must map names to strings",
        "{\"version\":1,\"type\":\"command\",\"command\":\"lvs\",\"env\":[\"LVM_X\"]} "
            + "| clvmd: malformed request: env: Cannot deserialize value",
        "{\"version\":1,\"type\":\"ping\"} trailing | clvmd: malformed request: Unrecognized token",
        "{\"version\":1,\"type\":\"ping\"}{} | clvmd: malformed request: Trailing token",
        "{\"version\":1,\"type\":\"pi | clvmd: malformed request: type: Unexpected end-of-input",
        "{\"version\":1, | clvmd: malformed request: Unexpected end-of-input",
        "{\"type\":\"ping\"} | clvmd: unsupported protocol version 0 (this daemon speaks 1)",
        "{\"version\":2,\"type\":\"ping\"} | clvmd: unsupported protocol version 2 (this daemon"
            + " speaks 1)",
        "{\"version\":-1,\"type\":\"ping\"} | clvmd: unsupported protocol version -1",
        "null | clvmd: unsupported protocol version none",
        "{\"version\":1} | clvmd: unknown request type ''",
        "{\"version\":1,\"type\":\"shutdown\"} | clvmd: unknown request type 'shutdown'",
        "{\"version\":1,\"type\":\"command\",\"command\":\" \"} "
            + "| clvmd: command request without a command name",
      })
  void malformedRequestsAreAnsweredWithExit3AndAClearMessage(String line, String message)
      throws Exception {
    start();
    ControlResponse r = raw(line + "\n");
    assertEquals(3, r.exitCode(), r.stderr());
    assertTrue(r.stderr().startsWith(message), r.stderr());
    assertTrue(r.stderr().endsWith("\n"), r.stderr());
    assertEquals("", r.stdout());
    assertStillServing();
  }

  @Test
  void garbageBytesAndInvalidUtf8AreMalformedRequests() throws Exception {
    start();
    ControlResponse r = raw(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});
    assertEquals(3, r.exitCode());
    assertTrue(r.stderr().startsWith("clvmd: malformed request: "), r.stderr());
    byte[] badUtf8 =
        "{\"version\":1,\"type\":\"command\",\"command\":\"lvs\",\"cwd\":\"\u00e9\"}\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    r = raw(badUtf8);
    assertEquals(3, r.exitCode());
    assertTrue(r.stderr().contains("Invalid UTF-8"), r.stderr());
    assertStillServing();
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutOverflowingTheStack() throws Exception {
    start(1 << 20, Duration.ofSeconds(5), 8, Duration.ofSeconds(5));
    String deep = "[".repeat(200_000) + "]".repeat(200_000);
    ControlResponse r = raw("{\"version\":1,\"type\":\"ping\",\"x\":" + deep + "}\n");
    assertEquals(3, r.exitCode());
    assertTrue(r.stderr().contains("nesting depth"), r.stderr());
    assertStillServing();
  }

  @Test
  void theSizeLimitIsExact() throws Exception {
    start(256, Duration.ofSeconds(2), 8, Duration.ofSeconds(2));
    String ping = "{\"version\":1,\"type\":\"ping\"}";
    String exactly = ping + " ".repeat(256 - ping.length());
    assertEquals(0, raw(exactly + "\n").exitCode());
    ControlResponse r = raw(exactly + " \n");
    assertEquals(3, r.exitCode());
    assertEquals("clvmd: request larger than 256 bytes\n", r.stderr());
    // A client that goes on sending long after the limit still gets its answer.
    ControlResponse flood = raw(new byte[4 << 20]);
    assertEquals(3, flood.exitCode());
    assertStillServing();
  }

  @Test
  void truncatedRequestFromAClientThatGoesQuietTimesOut() throws Exception {
    start(4096, Duration.ofMillis(800), 8, Duration.ofSeconds(2));
    try (SocketChannel ch = connect()) {
      ch.write(ByteBuffer.wrap("{\"version\":1,\"type\":".getBytes(StandardCharsets.UTF_8)));
      assertStillServing(); // while this one is half-way through its request
      ControlResponse r =
          Json.read(Channels.newInputStream(ch).readAllBytes(), ControlResponse.class);
      assertEquals(3, r.exitCode());
      assertEquals("clvmd: no complete request within 800 ms\n", r.stderr());
    }
  }

  @Test
  void aSilentClientDoesNotBlockOthers() throws Exception {
    start(4096, Duration.ofSeconds(3), 8, Duration.ofSeconds(2));
    try (SocketChannel silent = connect();
        SocketChannel silent2 = connect()) {
      for (int i = 0; i < 20; i++) {
        assertStillServing();
      }
      assertTrue(silent.isConnected() && silent2.isConnected());
    }
    assertStillServing();
  }

  @Test
  void aClientThatClosesAtOnceLeavesNoTrace() throws Exception {
    start();
    for (int i = 0; i < 50; i++) {
      connect().close();
      try (SocketChannel ch = connect()) {
        ch.write(ByteBuffer.wrap("{\"version\":1,\"type\":\"ping\"}\n".getBytes()));
      } // closed before reading the answer
    }
    // Up to maxClients of those may still be in the works ("busy"), then they are all gone.
    Await.until(
        "the abandoned connections to be done",
        WAIT,
        () -> {
          try {
            return ControlClient.send(socket, ControlRequest.of("ping")).exitCode() == 0;
          } catch (IOException e) {
            return false;
          }
        });
    assertStillServing();
  }

  @Test
  void aClientThatNeverReadsItsAnswerIsDroppedAfterTheWriteTimeout() throws Exception {
    start(4096, Duration.ofSeconds(2), 1, Duration.ofMillis(500));
    try (SocketChannel greedy = connect()) {
      greedy.write(
          ByteBuffer.wrap(Json.write(ControlRequest.command("large", List.of(), "/", Map.of()))));
      greedy.write(ByteBuffer.wrap(new byte[] {'\n'}));
      // The only worker is stuck writing 8 MiB that nobody reads, until the write timeout frees it.
      Await.until(
          "the one worker to be free again",
          WAIT,
          () -> {
            try {
              return ControlClient.send(socket, ControlRequest.of("ping")).exitCode() == 0;
            } catch (IOException e) {
              return false;
            }
          });
    }
    assertStillServing();
  }

  @Test
  void failingCommandsAnswerExit5AndTheDaemonStaysUp() throws Exception {
    start();
    ControlResponse r =
        ControlClient.send(socket, ControlRequest.command("boom", List.of(), "/", Map.of()));
    assertEquals(5, r.exitCode());
    assertEquals("clvmd: boom\n", r.stderr());
    r = ControlClient.send(socket, ControlRequest.command("npe", List.of(), "/", Map.of()));
    assertEquals(5, r.exitCode());
    assertEquals("clvmd: java.lang.NullPointerException\n", r.stderr());
    r = ControlClient.send(socket, ControlRequest.command("overflow", List.of(), "/", Map.of()));
    assertEquals(5, r.exitCode());
    assertEquals("clvmd: internal error: StackOverflowError (see clvmd's log)\n", r.stderr());
    assertStillServing();
  }

  @Test
  void manyClientsAtOnceEachGetAnAnswer() throws Exception {
    start(4096, Duration.ofSeconds(5), 4, Duration.ofSeconds(5));
    int clients = 64;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<ControlResponse>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        String n = Integer.toString(i);
        Callable<ControlResponse> call =
            () ->
                ControlClient.send(
                    socket, ControlRequest.command("c" + n, List.of(), "/", Map.of()));
        answers.add(pool.submit(call));
      }
      int served = 0;
      for (int i = 0; i < clients; i++) {
        ControlResponse r =
            answers.get(i).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        if (r.exitCode() == 0) {
          assertEquals("c" + i + " ", r.stdout());
          served++;
        } else {
          assertEquals(5, r.exitCode());
          assertEquals("clvmd: busy: too many clients, try again\n", r.stderr());
        }
      }
      assertTrue(served > 0, "no client was served");
    } finally {
      pool.shutdownNow();
    }
    assertStillServing();
  }

  @ParameterizedTest
  @CsvSource({"'', the connection was closed", "'<html>', the answer is not a response"})
  void aDaemonThatDoesNotAnswerIsNotTakenForAnUnreachableOne(String answer, String why)
      throws Exception {
    socket = dir.resolve("mute.sock");
    try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      mute.bind(UnixDomainSocketAddress.of(socket));
      Thread daemon =
          new Thread(
              () -> {
                try (SocketChannel ch = mute.accept()) {
                  Channels.newInputStream(ch).readAllBytes(); // the whole request, then
                  ch.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                  // the test fails on the client's side
                }
              });
      daemon.start();
      ControlClient.NoAnswerException e =
          assertThrows(
              ControlClient.NoAnswerException.class,
              () -> ControlClient.send(socket, ControlRequest.of("ping")));
      assertTrue(
          e.getMessage().startsWith("clvmd at " + socket + " did not answer (" + why),
          e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith("the command may or may not have run; check before repeating it"));
      daemon.join(WAIT.toMillis());
    }
  }

  @Test
  void theLimitsMustBePositive() throws Exception {
    for (String key :
        List.of(
            "socket.maxRequestBytes",
            "socket.readTimeoutMs",
            "socket.writeTimeoutMs",
            "socket.maxClients")) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> DaemonConfig.of(Map.of(key, "0")));
      assertEquals(key + " must be at least 1: 0", e.getMessage());
    }
    DaemonConfig c = DaemonConfig.of(Map.of("socket.writeTimeoutMs", "1500"));
    assertEquals(Duration.ofMillis(1500), c.socketWriteTimeout());
    assertEquals(
        ControlServer.DEFAULT_WRITE_TIMEOUT, DaemonConfig.of(Map.of()).socketWriteTimeout());
    assertTrue(c.unknownKeys().isEmpty(), c.unknownKeys().toString());
  }
}
