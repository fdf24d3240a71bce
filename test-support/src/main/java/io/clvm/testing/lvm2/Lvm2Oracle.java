package io.clvm.testing.lvm2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the real lvm2 tools as a compatibility oracle, confined to given devices.
 *
 * <p>lvm2 reads a private {@code lvm.conf} ({@code LVM_SYSTEM_DIR}): the configuration the fixtures
 * were made with (see {@code lvm2-fixtures/README.md}), with {@code activation=0} because this
 * kernel has no device-mapper, and a device filter that accepts exactly the devices under test, so
 * that nothing else on the machine is scanned or touched. Backups and archives go to the private
 * directory, which is deleted on close.
 */
public final class Lvm2Oracle implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Map<String, String> env;

  /** The result of one lvm2 command. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Standard error without the warning every command prints under {@code activation=0}. */
    public String errors() {
      StringBuilder b = new StringBuilder();
      for (String line : stderr.split("\n")) {
        if (!line.isBlank() && !line.contains("Activation disabled")) {
          b.append(line).append('\n');
        }
      }
      return b.toString();
    }

    /** Fails with the whole output unless the command exited 0. */
    public Result requireOk() {
      if (!ok()) {
        throw new AssertionError(this.toString());
      }
      return this;
    }

    /** Standard output parsed as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("not JSON from " + command + ": " + stdout, e);
      }
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " -> exit "
          + exitCode
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  private Lvm2Oracle(Path dir) {
    this.dir = dir;
    this.env =
        Map.of("LVM_SYSTEM_DIR", dir.resolve("etc").toString(), "LVM_SUPPRESS_FD_WARNINGS", "1");
  }

  /** An oracle that sees only {@code devices}. */
  public static Lvm2Oracle forDevices(List<Path> devices) {
    return forDevices(devices, false);
  }

  /**
   * An oracle that sees only {@code devices}, with activation on when {@code activation} (for a
   * kernel with device-mapper, e.g. the UML guest: lvm2 then makes the device nodes itself, no
   * udev).
   */
  public static Lvm2Oracle forDevices(List<Path> devices, boolean activation) {
    try {
      Path dir = Files.createTempDirectory("clvm-lvm2-clvmtest-");
      Files.createDirectories(dir.resolve("etc"));
      Files.createDirectories(dir.resolve("lock"));
      String conf = lvmConf(dir, devices);
      if (activation) {
        conf = conf.replace("activation=0 ", "activation=1 ");
      }
      Files.writeString(dir.resolve("etc/lvm.conf"), conf);
      return new Lvm2Oracle(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Lvm2Oracle forDevices(Path... devices) {
    return forDevices(Arrays.asList(devices));
  }

  /** The lvm.conf of the fixtures' README, with the filter narrowed to {@code devices}. */
  static String lvmConf(Path dir, List<Path> devices) {
    StringBuilder filter = new StringBuilder("[");
    for (Path d : devices) {
      filter.append("\"a|^").append(d.toString().replace(".", "\\\\.")).append("$|\",");
    }
    filter.append("\"r|.*|\"]");
    return "devices { dir=\"/dev\" hints=\"none\" filter="
        + filter
        + "\n          global_filter="
        + filter
        + " use_devicesfile=0\n"
        + "          obtain_device_list_from_udev=0 external_device_info_source=\"none\"\n"
        + "          md_component_detection=0 multipath_component_detection=0\n"
        + "          fw_raid_component_detection=0 }\n"
        + "global  { activation=0 use_lvmlockd=0 event_activation=0\n"
        + "          locking_dir=\""
        + dir.resolve("lock")
        + "\" system_id_source=\"none\" }\n"
        + "activation { udev_sync=0 udev_rules=0 monitoring=0 verify_udev_operations=0 }\n"
        + "backup  { backup=1 backup_dir=\""
        + dir.resolve("etc/backup")
        + "\"\n          archive=1 archive_dir=\""
        + dir.resolve("etc/archive")
        + "\" }\n";
  }

  /** Runs {@code lvm <args>}, e.g. {@code run("vgck", "vga")}. */
  public Result run(String... args) {
    return runWithInput("", args);
  }

  /** Runs {@code lvm <args>} with {@code stdin} as its standard input (answers to prompts). */
  public Result runWithInput(String stdin, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("lvm");
    argv.addAll(Arrays.asList(args));
    Command.Output out = Command.run(argv, env, 120, stdin);
    return new Result(List.copyOf(argv), out.exitCode(), out.stdout(), out.stderr());
  }

  /**
   * Runs a report command with {@code --reportformat json --units b --nosuffix} and returns the
   * rows of its first report, e.g. {@code report("lvs", "lv", "-o", "lv_name", "vga")}.
   */
  public List<JsonNode> report(String command, String kind, String... args) {
    List<String> a = new ArrayList<>();
    a.add(command);
    a.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix"));
    a.addAll(Arrays.asList(args));
    JsonNode root = run(a.toArray(String[]::new)).requireOk().json();
    List<JsonNode> rows = new ArrayList<>();
    root.get("report").get(0).get(kind).forEach(rows::add);
    return rows;
  }

  /** The private configuration directory ({@code LVM_SYSTEM_DIR}). */
  public Path systemDir() {
    return dir.resolve("etc");
  }

  @Override
  public void close() {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
