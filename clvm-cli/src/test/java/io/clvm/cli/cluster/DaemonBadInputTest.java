package io.clvm.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.Json;
import io.clvm.daemon.Daemon;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.ControlClient;
import io.clvm.daemon.control.ControlRequest;
import io.clvm.daemon.control.ControlResponse;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to a real clvmd with the real engine (CliDaemonBackend, a file PV, the in-memory
 * device-mapper, embedded ZooKeeper): bad command lines sent straight to the socket get the same
 * exit codes and messages as on the command line, garbage gets a protocol error, and the daemon
 * serves a good command afterwards while a silent client is still connected.
 */
class DaemonBadInputTest {
  @TempDir Path dir;

  private ControlResponse command(Path socket, String command, String... argv) throws Exception {
    return ControlClient.send(
        socket, ControlRequest.command(command, List.of(argv), "/", Map.of()));
  }

  @Test
  void badCommandLinesAndGarbageOnARealDaemon() throws Exception {
    Path pv = OneDaemonFixture.pvFile(dir, 32L << 20);
    Path conf = dir.resolve("clvm.conf");
    Files.writeString(
        conf,
        OneDaemonFixture.config(dir, pv, "b1", "badinput")
            .set("socket.readTimeoutMs", 20000)
            .text());
    Path socket = OneDaemonFixture.socket(dir);
    try (Daemon d = Daemon.start(DaemonConfig.load(conf), new CliDaemonBackend());
        SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.connect(UnixDomainSocketAddress.of(socket)); // and never says anything

      ControlResponse r = command(socket, "lvcreate", "-L", "10X", "-n", "a", "vg0");
      assertEquals(3, r.exitCode(), r.toString());
      assertEquals(
          "  Can't parse size argument.\n  Invalid argument for --size: 10X\n"
              + "  Error during parsing of command line.\n",
          r.stderr());
      r = command(socket, "lvcreate", "--bogus");
      assertEquals(3, r.exitCode(), r.toString());
      assertEquals(
          "lvcreate: unrecognized option '--bogus'\n  Error during parsing of command line.\n",
          r.stderr());
      r = command(socket, "lvcreate", "-L", "4M", "-n", "sp ace", "vg0");
      assertEquals(3, r.exitCode(), r.toString());
      assertTrue(
          r.stderr().startsWith("  Logical volume name \"sp ace\" is invalid.\n"), r.stderr());
      r = command(socket, "frobnicate");
      assertEquals(2, r.exitCode(), r.toString());
      assertEquals("  No such command 'frobnicate'.  Try 'clvm help'.\n", r.stderr());
      r = command(socket, "vgs", "--units", "x");
      assertEquals(3, r.exitCode(), r.toString());

      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, '{', '\n'}));
        r = Json.read(Channels.newInputStream(ch).readAllBytes(), ControlResponse.class);
        assertEquals(3, r.exitCode());
        assertTrue(r.stderr().startsWith("clvmd: malformed request: "), r.stderr());
      }

      // Still serving, the silent client still connected: a real change goes through.
      assertEquals(0, command(socket, "pvcreate", pv.toString()).exitCode());
      r = command(socket, "vgcreate", "--shared", "vg0", pv.toString());
      assertEquals(0, r.exitCode(), r.toString());
      r = command(socket, "vgs", "--noheadings", "-o", "vg_name");
      assertEquals("  vg0\n", r.stdout(), r.toString());
      assertTrue(silent.isConnected());
    }
  }
}
