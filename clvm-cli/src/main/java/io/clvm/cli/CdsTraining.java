package io.clvm.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
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
        Session s =
            new Session(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new ByteArrayInputStream(new byte[0]),
                false,
                Map.of("CLVM_CONF", conf.toString()));
        Main.run(args, s);
      }
      return 0;
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
