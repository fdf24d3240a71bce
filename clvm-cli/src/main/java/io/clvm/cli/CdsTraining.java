package io.clvm.cli;

import io.clvm.cluster.Json;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The run that the class-data-sharing archive is made from (at package time, with {@code
 * -Dclvm.cdsTraining=true}): the commands an admin types most, on a throw-away VG of two sparse
 * files, so that the archive holds what they load.
 */
final class CdsTraining {
  private CdsTraining() {}

  private static void run(String[] args, Path conf) {
    Session s =
        new Session(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            new ByteArrayInputStream(new byte[0]),
            Map.of("CLVM_CONF", conf.toString()));
    Main.run(args, s);
  }

  /**
   * Cluster mode's path: a command forwarded over the control socket (JSON request, JSON answer),
   * to a stand-in daemon in this process that answers every request with an empty success. Without
   * this the archive lacks Jackson and the socket client, and every forwarded command pays for
   * loading them (about a third of a second on a busy 2-core machine).
   */
  private static void forwardOnce(Path dir) throws IOException {
    Path sock = dir.resolve("cds.sock");
    Path conf = dir.resolve("cluster.conf");
    Files.writeString(conf, "global.locking_mode = \"cluster\"\nsocket.path = \"" + sock + "\"\n");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Thread t =
          new Thread(
              () -> {
                try (SocketChannel ch = server.accept()) {
                  Channels.newInputStream(ch).readAllBytes();
                  byte[] answer =
                      Json.write(new ControlResponse(ControlProtocol.VERSION, 0, "", "", null));
                  ch.write(ByteBuffer.wrap(answer));
                } catch (IOException e) {
                  // the training run only loses some classes
                }
              },
              "cds-daemon");
      t.setDaemon(true);
      t.start();
      run(new String[] {"lvs", "vgcds"}, conf);
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int run() throws IOException {
    Path dir = Files.createTempDirectory("clvm-cds-clvmtest");
    try {
      List<String> pvs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Path f = dir.resolve("pv" + i + "-clvmtest.img");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
          r.setLength(64L << 20);
        }
        pvs.add(f.toString());
      }
      Path conf = dir.resolve("clvm.conf");
      Files.writeString(
          conf,
          "global.lock_dir = \""
              + dir.resolve("lock")
              + "\"\nbackup.backup_dir = \""
              + dir.resolve("backup")
              + "\"\nbackup.archive_dir = \""
              + dir.resolve("archive")
              + "\"\n");
      String devices = "--devices=" + String.join(",", pvs);
      String[][] commands = {
        {"pvcreate", pvs.get(0)},
        {"vgcreate", "vgcds", pvs.get(0), pvs.get(1)},
        {"lvcreate", "-an", "-n", "lv1", "-L", "10M", "vgcds"},
        {"lvcreate", "-an", "-Zn", "-i", "2", "-l", "4", "vgcds"},
        {"lvextend", "-l", "+1", "vgcds/lv1"},
        {"lvs"},
        {"lvs", "-a", "-o", "all", "--reportformat", "json", "--units", "b", "--nosuffix"},
        {"lvs", "--segments", "-o", "+devices", "-S", "lv_size>1m", "-O", "-lv_size"},
        {"vgs"},
        {"pvs", "--segments"},
        {"vgdisplay"},
        {"lvdisplay", "-m"},
        {"lvremove", "-f", "vgcds"},
        {"vgremove", "-f", "vgcds"}
      };
      for (String[] c : commands) {
        String[] args = new String[c.length + 1];
        System.arraycopy(c, 0, args, 0, c.length);
        args[c.length] = devices;
        run(args, conf);
      }
      forwardOnce(dir);
      return 0;
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
