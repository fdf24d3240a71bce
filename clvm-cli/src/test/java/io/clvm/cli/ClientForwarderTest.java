package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import io.clvm.daemon.control.ControlServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/**
 * Cluster mode's thin client ({@code target/clvm-forward}, built from src/main/c at compile time)
 * against the Java CLI's own forwarding ({@link io.clvm.cli.cluster.Forwarder}): the same request
 * reaches clvmd, the same answer is printed, and everything it is not sure of is left to the Java
 * CLI (exit 99, nothing sent).
 */
class ClientForwarderTest {
  static final int NOT_FORWARDED = 99;

  @TempDir Path dir;

  /** One run's exit code and output. */
  record Out(int exit, String out, String err) {}

  static Path binary() {
    Path p = Path.of("target", "clvm-forward").toAbsolutePath();
    assertTrue(Files.isExecutable(p), p + " is built by exec-maven-plugin at compile time");
    return p;
  }

  /** The thin client with exactly {@code env} in its environment, in this JVM's directory. */
  static Out client(Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile("clvm-forward", ".out");
    Path err = Files.createTempFile("clvm-forward", ".err");
    try {
      List<String> cmd = new ArrayList<>(List.of(binary().toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(Path.of(System.getProperty("user.dir")).toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "clvm-forward did not finish");
      return new Out(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The Java CLI in this JVM with {@code env} as its environment. */
  static Out java(Map<String, String> env, String... args) {
    CapturedCli.Outcome o = CapturedCli.run(env, "", args);
    return new Out(o.exit(), o.out(), o.err());
  }

  private Path socket() {
    return dir.resolve("clvmd.sock");
  }

  private Map<String, String> conf(String text) throws IOException {
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(conf, text);
    return Map.of("CLVM_CONF", conf.toString());
  }

  private Map<String, String> cluster() throws IOException {
    return conf("global.locking_mode = \"cluster\"\nsocket.path = \"" + socket() + "\"\n");
  }

  /** A clvmd stand-in: records each request and answers what {@code answer} makes of it. */
  private ControlServer server(
      List<ControlRequest> seen, Function<ControlRequest, ControlResponse> answer)
      throws IOException {
    ControlServer s =
        new ControlServer(
            new ControlServer.Settings(
                socket(),
                Set.of(System.getProperty("user.name")),
                1 << 20,
                Duration.ofSeconds(10),
                4),
            (request, peer) -> {
              seen.add(request);
              return answer.apply(request);
            },
            () -> Map.of());
    s.start();
    return s;
  }

  private static ControlResponse echo(ControlRequest r) {
    return new ControlResponse(
        ControlProtocol.VERSION, 0, "  " + r.command() + " " + r.argv() + "\n", "", null);
  }

  @Test
  void forwardsEveryLvmCommandAndNothingElse() throws Exception {
    Map<String, String> env = cluster();
    List<ControlRequest> seen = new CopyOnWriteArrayList<>();
    List<String> lvm = new ArrayList<>();
    try (ControlServer s = server(seen, ClientForwarderTest::echo)) {
      for (Class<?> c : Main.Clvm.class.getAnnotation(Command.class).subcommands()) {
        String name = c.getAnnotation(Command.class).name();
        seen.clear();
        Out o = client(env, name, "vg0");
        if (LvmCommand.class.isAssignableFrom(c)) {
          lvm.add(name);
          assertEquals(0, o.exit(), name + ": " + o);
          assertEquals("  " + name + " [vg0]\n", o.out());
          assertEquals(1, seen.size(), name);
        } else {
          assertEquals(NOT_FORWARDED, o.exit(), name + ": " + o);
          assertEquals(List.of(), seen, name + " must be left to the Java CLI");
          assertEquals("", o.out() + o.err());
        }
      }
      assertEquals(NOT_FORWARDED, client(env, "frobnicate").exit());
      assertEquals(NOT_FORWARDED, client(env).exit());
    }
    assertEquals(30, lvm.size(), lvm.toString());
  }

  @Test
  void sendsWhatTheJavaClientSends() throws Exception {
    Map<String, String> env = new LinkedHashMap<>(cluster());
    env.put("LVM_SUPPRESS_FD_WARNINGS", "1");
    env.put("CLVM_DEBUG_NOTHING", "a \"quoted\" \\ value\twith a tab");
    env.put("HOME", "/not/sent");
    List<ControlRequest> seen = new CopyOnWriteArrayList<>();
    String[][] lines = {
      {"lvchange", "-ay", "--node", "n2", "vg0/a"},
      {"lvs", "-o", "lv_name,lv_size", "--units", "k", "v\"g\\0\tx\ny"},
      {"vgcfgbackup", "-f", "/tmp/x", "vg0"},
      {"lvcreate", "--bogus-option"},
      {"pvs"}
    };
    try (ControlServer s = server(seen, ClientForwarderTest::echo)) {
      for (String[] line : lines) {
        seen.clear();
        Out fromJava = java(env, line);
        Out fromClient = client(env, line);
        if (seen.size() == 2) {
          // The Java CLI sends vgcfgbackup's -f already read as --file; clvmd reads it so itself
          // (Main.shortFileOption), so the thin client sends the line as typed.
          ControlRequest typed = seen.get(1);
          ControlRequest read =
              ControlRequest.command(
                  typed.command(),
                  List.of(
                      Main.shortFileOption(typed.command(), typed.argv().toArray(new String[0]))),
                  typed.cwd(),
                  typed.env());
          assertEquals(seen.get(0), read, String.join(" ", line));
          assertEquals(
              typed.argv().equals(read.argv()),
              fromJava.equals(fromClient),
              String.join(" ", line) + ": " + fromJava + " / " + fromClient);
          assertEquals(
              Set.of("CLVM_CONF", "LVM_SUPPRESS_FD_WARNINGS", "CLVM_DEBUG_NOTHING"),
              seen.get(1).env().keySet());
        } else {
          // The Java CLI refuses some command lines itself; the thin client lets clvmd (the
          // same parser) refuse them: one request, same words (checked against a real clvmd in
          // ClientForwarderDaemonTest).
          assertEquals(1, seen.size(), String.join(" ", line) + ": " + seen);
        }
      }
    }
  }

  @Test
  void printsTheAnswerByteForByte() throws Exception {
    Map<String, String> env = cluster();
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      big.append("  lvol").append(i).append(" vg0 -wi-a----- 4.00m\n");
    }
    String unicode = "  é ✓ 😀 \"q\" \\ \t\u0001 \u007f \u2028 end\n";
    List<ControlResponse> answers =
        List.of(
            new ControlResponse(ControlProtocol.VERSION, 0, big.toString(), "", null),
            new ControlResponse(ControlProtocol.VERSION, 3, unicode, unicode, null),
            new ControlResponse(ControlProtocol.VERSION, 5, null, "  failed\n", null),
            new ControlResponse(
                ControlProtocol.VERSION,
                0,
                "",
                "",
                io.clvm.cluster.Json.MAPPER.readTree("{\"a\":[1,{\"b\":\"}\"}],\"c\":null}")));
    for (ControlResponse answer : answers) {
      List<ControlRequest> seen = new CopyOnWriteArrayList<>();
      try (ControlServer s = server(seen, r -> answer)) {
        Out c = client(env, "lvs");
        Out j = java(env, "lvs");
        assertEquals(answer.exitCode(), c.exit());
        assertEquals(answer.stdout() == null ? "" : answer.stdout(), c.out());
        assertEquals(answer.stderr() == null ? "" : answer.stderr(), c.err());
        assertEquals(j, c);
      }
    }
  }

  @Test
  void leavesWhatItIsNotSureOfToTheJavaCli() throws Exception {
    List<ControlRequest> seen = new CopyOnWriteArrayList<>();
    Map<String, String> cluster = cluster();
    try (ControlServer s = server(seen, ClientForwarderTest::echo)) {
      List<Map.Entry<Map<String, String>, String[]>> cases = new ArrayList<>();
      cases.add(Map.entry(cluster, new String[] {"lvs", "--config", dir.resolve("x").toString()}));
      cases.add(Map.entry(cluster, new String[] {"lvs", "--config=" + dir.resolve("x")}));
      cases.add(Map.entry(cluster, new String[] {"lvs", "vgé"}));
      cases.add(
          Map.entry(
              Map.of("CLVM_CONF", dir.resolve("none.conf").toString()), new String[] {"lvs"}));
      for (var c : cases) {
        Out o = client(c.getKey(), c.getValue());
        assertEquals(new Out(NOT_FORWARDED, "", ""), o, String.join(" ", c.getValue()));
      }
      String sock = "socket.path = \"" + socket() + "\"\n";
      for (String text :
          List.of(
              "global.locking_mode = \"local\"\n" + sock,
              sock, // the default is local
              "global.locking_mode = \"cluster\"\n" + sock + "global.locking_mode = local\n",
              "global {\nlocking_mode = \"cluster\"\n" + sock, // a section not closed
              "global.locking_mode = \"cluster\" trailing\n" + sock,
              "global.locking_mode = \"cluster\n" + sock, // unterminated
              "global.locking mode = \"cluster\"\n" + sock,
              "}\n" + sock,
              "global.locking_mode = \"cluster\"\n" + sock + "a value without a key\n",
              "global.locking_mode = \"cluster\" # é\n" + sock,
              // 32 nested sections of 127 characters: longer than the client's key buffer
              ("a".repeat(127) + " {\n").repeat(32)
                  + "locking_mode = \"cluster\"\n"
                  + "}\n".repeat(32)
                  + sock)) {
        Out o = client(conf(text));
        assertEquals(NOT_FORWARDED, client(conf(text), "lvs").exit(), text);
        assertEquals(NOT_FORWARDED, o.exit(), text);
      }
      assertEquals(List.of(), seen);
      // the Java CLI itself says, for the broken one, where
      assertTrue(
          java(conf("}\n" + sock), "lvs").err().contains("without an open section"),
          "the Java CLI names the problem");
    }
    // cluster mode, but nobody listening: no socket, then a stale socket file
    assertEquals(new Out(NOT_FORWARDED, "", ""), client(cluster, "lvs"));
    Files.createFile(socket());
    assertEquals(new Out(NOT_FORWARDED, "", ""), client(cluster, "lvs"));
  }

  @Test
  void readsBothSpellingsOfTheConfiguration() throws Exception {
    List<ControlRequest> seen = new CopyOnWriteArrayList<>();
    try (ControlServer s = server(seen, ClientForwarderTest::echo)) {
      Map<String, String> env =
          conf(
              "# clvm.conf\n"
                  + "global {\n"
                  + "\tlocking_mode = cluster   # a bare word, a comment\n"
                  + "\tlock_dir = \"/run/lock/clvm # not a comment\"\n"
                  + "}\n"
                  + "socket {\r\n"
                  + "  path = \""
                  + socket()
                  + "\"\r\n"
                  + "}\n"
                  + "zookeeper.connect = \"h:2181\"\n");
      Out o = client(env, "vgs");
      assertEquals(new Out(0, "  vgs []\n", ""), o);
      assertEquals(1, seen.size());
    }
  }

  @Test
  void aRequestWithoutAnAnswerIsNotRepeated() throws Exception {
    Map<String, String> env = cluster();
    List<Integer> requests = new CopyOnWriteArrayList<>();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket()));
      Thread t =
          new Thread(
              () -> {
                while (server.isOpen()) {
                  try (SocketChannel ch = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(1 << 16);
                    while (ch.read(b) > 0) {
                      // the whole request, then no answer
                    }
                    requests.add(b.position());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      Out c = client(env, "lvcreate", "-L", "4M", "vg0");
      Out j = java(env, "lvcreate", "-L", "4M", "vg0");
      assertEquals(5, c.exit(), c.toString());
      assertTrue(c.err().contains("did not answer (the connection was closed)"), c.err());
      assertEquals(j, c);
      assertEquals(2, requests.size(), "one request each, never a second one from the client");
    }
  }

  @Test
  void theLauncherAnswersWithoutAJvmAndFallsBackToIt() throws Exception {
    Path launcher = Path.of("..", "bin", "clvm").toAbsolutePath().normalize();
    Map<String, String> env = new LinkedHashMap<>(cluster());
    env.put("PATH", "/usr/bin:/bin");
    env.put("JAVA_HOME", dir.resolve("no-jdk").toString()); // any JVM start would fail
    List<ControlRequest> seen = new CopyOnWriteArrayList<>();
    try (ControlServer s = server(seen, ClientForwarderTest::echo)) {
      assertEquals(new Out(0, "  lvs [vg0]\n", ""), run(env, launcher.toString(), "lvs", "vg0"));
      Path link = dir.resolve("vgs");
      Files.createSymbolicLink(link, launcher);
      assertEquals(
          new Out(0, "  vgs [-o, vg_name]\n", ""), run(env, link.toString(), "-o", "vg_name"));
      // not an lvm2 command: the JVM launcher is wanted, and here there is no JVM (or, before the
      // package phase, no jar yet): either way the launcher's own message, nothing sent
      Out version = run(env, launcher.toString(), "version");
      assertEquals(5, version.exit(), version.toString());
      assertTrue(
          version.err().matches("(?s)clvm: (java not found|not built yet).*"), version.err());
      assertEquals(2, seen.size());
    }
  }

  private static Out run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Out(p.exitValue(), out, err);
  }
}
