package io.clvm.format.oracle;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real lvm2 on loop devices made for one test: sparse files named {@code *-clvmtest.img}, a private
 * {@code lvm.conf} whose filter accepts only these loop devices, activation disabled (no
 * device-mapper is needed). {@link #close()} detaches the loop devices and deletes the files.
 */
public final class Lvm2Sandbox implements AutoCloseable {
  /** The outcome of one lvm2 command. */
  public record Run(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private final Path dir;
  private final List<String> devices = new ArrayList<>();

  private Lvm2Sandbox(Path dir) {
    this.dir = dir;
  }

  /** Loop devices of the given sizes in MiB. */
  public static Lvm2Sandbox create(int... sizesMiB) throws IOException {
    Path dir = Files.createTempDirectory("lvm2sandbox-clvmtest");
    Lvm2Sandbox s = new Lvm2Sandbox(dir);
    try {
      for (int i = 0; i < sizesMiB.length; i++) {
        Path img = dir.resolve("pv" + i + "-clvmtest.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
          f.setLength((long) sizesMiB[i] << 20);
        }
        String dev =
            exec(List.of("losetup", "-f", "--show", img.toString()), null).output().strip();
        if (!dev.startsWith("/dev/loop")) {
          throw new IOException("losetup failed: " + dev);
        }
        s.devices.add(dev);
      }
      s.writeConfig();
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void writeConfig() throws IOException {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.createDirectories(dir.resolve("lock"));
    StringBuilder filter = new StringBuilder();
    for (String d : devices) {
      filter.append("\"a|^").append(d).append("$|\",");
    }
    filter.append("\"r|.*|\"");
    String conf =
        "devices { dir=\"/dev\" hints=\"none\" filter=["
            + filter
            + "] global_filter=["
            + filter
            + "] use_devicesfile=0 obtain_device_list_from_udev=0"
            + " external_device_info_source=\"none\" md_component_detection=0"
            + " multipath_component_detection=0 fw_raid_component_detection=0 }\n"
            + "global { activation=0 use_lvmlockd=0 event_activation=0 locking_dir=\""
            + dir.resolve("lock")
            + "\" system_id_source=\"none\" }\n"
            + "activation { udev_sync=0 udev_rules=0 monitoring=0 verify_udev_operations=0 }\n"
            + "backup { backup=0 archive=0 }\n";
    Files.writeString(etc.resolve("lvm.conf"), conf);
  }

  public List<String> devices() {
    return devices;
  }

  public Path dir() {
    return dir;
  }

  /** Runs {@code lvm <args>} with the private configuration. */
  public Run lvm(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("lvm");
    cmd.addAll(List.of(args));
    return exec(cmd, dir.resolve("etc"));
  }

  /** Runs an lvm command line split at spaces, e.g. {@code lvcreate -an -Zn -n a -L 4M vg}. */
  public Run lvmLine(String line) throws IOException {
    return lvm(line.trim().split("\\s+"));
  }

  /** The VG's current metadata in the backup-file flavour. */
  public String backup(String vgName) throws IOException {
    Path f = dir.resolve(vgName + ".vg");
    Run r = lvm("vgcfgbackup", "-f", f.toString(), vgName);
    if (!r.ok()) {
      throw new IOException("vgcfgbackup failed: " + r.output());
    }
    return Files.readString(f, StandardCharsets.UTF_8);
  }

  private static Run exec(List<String> cmd, Path lvmSystemDir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (lvmSystemDir != null) {
      pb.environment().put("LVM_SYSTEM_DIR", lvmSystemDir.toString());
      pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
    }
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + cmd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + cmd, e);
    }
    return new Run(p.exitValue(), out);
  }

  @Override
  public void close() throws IOException {
    for (String d : devices) {
      exec(List.of("losetup", "-d", d), null);
    }
    devices.clear();
    if (Files.exists(dir)) {
      try (Stream<Path> w = Files.walk(dir)) {
        w.sorted(Comparator.reverseOrder())
            .forEach(
                x -> {
                  try {
                    Files.deleteIfExists(x);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    }
  }
}
