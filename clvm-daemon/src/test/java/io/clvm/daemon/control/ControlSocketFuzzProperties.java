package io.clvm.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clvm.cluster.Json;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes and random JSON on the control socket, in-process: whatever arrives, the server
 * answers with a well-formed response (exit 0, 3 or 5, a "clvmd: " message for errors) or closes
 * cleanly, within its timeouts, and serves a good request afterwards.
 */
class ControlSocketFuzzProperties {
  private static final int MAX_REQUEST = 2048;
  private static final Set<String> FIELDS =
      Set.of("version", "type", "command", "argv", "cwd", "env");

  private static Path dir;
  private static Path socket;
  private static ControlServer server;
  private static ExecutorService reader;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("clvm-socket-fuzz-clvmtest");
    socket = dir.resolve("clvmd.sock");
    server =
        new ControlServer(
            new ControlServer.Settings(
                socket,
                Set.of("root"),
                MAX_REQUEST,
                Duration.ofMillis(500),
                16,
                Duration.ofSeconds(5)),
            (request, peer) ->
                ControlResponse.ok(request.command() + " " + String.join(" ", request.argv())),
            () -> Map.of("nodes", List.of("n1")));
    server.start();
    reader = Executors.newCachedThreadPool();
  }

  @AfterContainer
  static void stop() throws IOException {
    server.close();
    reader.shutdownNow();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }

  @Property(tries = 300)
  void randomBytesGetAnErrorOrAClose(@ForAll("bytes") byte[] bytes, @ForAll boolean endWithNewline)
      throws Exception {
    byte[] sent = bytes;
    if (endWithNewline) {
      sent = java.util.Arrays.copyOf(bytes, bytes.length + 1);
      sent[bytes.length] = '\n';
    }
    byte[] answer = exchange(sent);
    if (answer.length > 0) {
      ControlResponse r = Json.read(answer, ControlResponse.class);
      assertTrue(r.exitCode() == 3 || r.exitCode() == 0, r.toString());
      if (r.exitCode() == 3) {
        assertTrue(r.stderr().startsWith("clvmd: "), r.stderr());
      }
    }
    assertServing();
  }

  @Property(tries = 300)
  void randomJsonRequestsGetAWellFormedAnswer(@ForAll("requests") JsonNode request)
      throws Exception {
    byte[] answer = exchange((request.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    ControlResponse r = Json.read(answer, ControlResponse.class);
    assertEquals(ControlProtocol.VERSION, r.version());
    if (r.exitCode() == 0) {
      // Only a request that is valid in every field may succeed.
      assertEquals(1, request.get("version").intValue());
      assertTrue(request.get("type").isTextual());
    } else {
      assertTrue(r.exitCode() == 3 || r.exitCode() == 5, r.toString());
      assertTrue(r.stderr().startsWith("clvmd: "), r.stderr());
      assertEquals("", r.stdout());
    }
    assertServing();
  }

  /** Sends {@code bytes}, ends the request, and returns everything the server sends back. */
  private static byte[] exchange(byte[] bytes) throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      try {
        ch.write(ByteBuffer.wrap(bytes));
        ch.shutdownOutput();
      } catch (IOException e) {
        // the server answered early and stopped reading
      }
      Future<byte[]> answer = reader.submit(() -> Channels.newInputStream(ch).readAllBytes());
      // Bounded by the server's own timeouts (500 ms to read, then an answer); generous here.
      return answer.get(30, TimeUnit.SECONDS);
    }
  }

  private static void assertServing() throws IOException {
    ControlResponse r =
        ControlClient.send(socket, ControlRequest.command("lvs", List.of("-a"), "/", Map.of()));
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("lvs -a", r.stdout());
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(MAX_REQUEST + 64);
    Arbitrary<byte[]> jsonish =
        Arbitraries.strings()
            .withChars("{}[]\":,0123456789.-+eEtruefalsnl \\\n\t")
            .ofMaxLength(200)
            .map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> truncated =
        Arbitraries.integers()
            .between(0, 80)
            .map(
                n -> {
                  byte[] good =
                      Json.write(
                          ControlRequest.command("lvs", List.of("-o", "+devices"), "/", Map.of()));
                  return java.util.Arrays.copyOf(good, Math.min(n, good.length));
                });
    return Arbitraries.oneOf(random, jsonish, truncated);
  }

  @Provide
  Arbitrary<JsonNode> requests() {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.of(FIELDS), Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6));
    Arbitrary<Tuple.Tuple2<String, JsonNode>> field =
        Arbitraries.entries(keys, values(3)).map(e -> Tuple.of(e.getKey(), e.getValue()));
    Arbitrary<JsonNode> wellTyped =
        Arbitraries.of("ping", "status", "command", "dance", "")
            .flatMap(
                type ->
                    Arbitraries.strings()
                        .ofMaxLength(10)
                        .list()
                        .ofMaxSize(4)
                        .map(
                            argv -> {
                              ObjectNode o = JsonNodeFactory.instance.objectNode();
                              o.put("version", 1).put("type", type).put("command", "lvs");
                              argv.forEach(o.putArray("argv")::add);
                              return (JsonNode) o;
                            }));
    Arbitrary<JsonNode> random =
        field
            .list()
            .ofMaxSize(7)
            .map(
                fields -> {
                  ObjectNode o = JsonNodeFactory.instance.objectNode();
                  fields.forEach(f -> o.set(f.get1(), f.get2()));
                  return (JsonNode) o;
                });
    return Arbitraries.oneOf(random, wellTyped, values(3));
  }

  /** Any JSON value, nested at most {@code depth} deep. */
  private static Arbitrary<JsonNode> values(int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Arbitrary<JsonNode> scalar =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-3, 3).map(f::numberNode),
            Arbitraries.longs().map(f::numberNode),
            Arbitraries.doubles().map(f::numberNode),
            Arbitraries.of("1", "ping", "command", "lvs", "", "\u0000", "\u00e9\u2603")
                .map(f::textNode),
            Arbitraries.strings().ofMaxLength(12).map(f::textNode),
            Arbitraries.of(true, false).map(f::booleanNode),
            Arbitraries.just(f.nullNode()));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<JsonNode> array =
        values(depth - 1)
            .list()
            .ofMaxSize(3)
            .map(
                l -> {
                  var a = f.arrayNode();
                  l.forEach(a::add);
                  return (JsonNode) a;
                });
    Arbitrary<JsonNode> object =
        Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(4), values(depth - 1))
            .ofMaxSize(3)
            .map(
                m -> {
                  ObjectNode o = f.objectNode();
                  m.forEach(o::set);
                  return (JsonNode) o;
                });
    return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, array), Tuple.of(1, object));
  }
}
