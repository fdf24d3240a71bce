package io.clvm.it.iscsi;

import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DmName;
import io.clvm.dm.TargetStatus;
import io.clvm.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real dm-multipath stack in the guest: {@code systemd-udevd} (so that multipathd hears of
 * paths coming and going, as on a real host) and {@code multipathd} with a private configuration,
 * written into the guest's overlay over {@code /etc} that {@link IscsiLab} mounts (the host's
 * {@code /etc/multipath.conf}, {@code /etc/multipath/wwids} and {@code bindings} are never
 * touched).
 *
 * <p>The configuration blacklists every WWID except the test LUNs' ({@code blacklist { wwid ".*" }}
 * with an exception per LUN), names each map {@code mpathN-clvmtest} ({@code multipaths} aliases,
 * so that {@link Multipath#close} removes what a failed run leaves), puts both paths in one
 * round-robin group ({@code multibus}), and sets {@code no_path_retry fail} (I/O fails when every
 * path is gone, instead of queueing forever). WWIDs are read from sysfs ({@code uid_attribute ""}),
 * not from udev's database. lvm2's udev rules ({@code 56-lvm.rules}, {@code 69-lvm.rules}) are
 * masked in the private {@code /etc/udev/rules.d}: their {@code pvscan} would otherwise inspect
 * (and could activate) the clvm PVs on the LUNs.
 *
 * <p>{@link #close} stops multipathd, removes the maps and stops udevd; {@link #stop} and {@link
 * #start} stop and start multipathd alone (the maps stay until removed).
 */
final class Multipathd implements AutoCloseable {
  private final DeviceMapper dm;
  private final Path logs;
  private final List<IscsiLab.Lun> luns;
  private Process udevd;
  private Process multipathd;

  Multipathd(DeviceMapper dm, Path logs, List<IscsiLab.Lun> luns) throws IOException {
    this.dm = dm;
    this.logs = logs;
    this.luns = List.copyOf(luns);
    boolean ok = false;
    try {
      configure();
      startUdevd();
      start();
      ok = true;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  /** The map's name for {@code lun}. */
  static DmName alias(IscsiLab.Lun lun) {
    return DmName.of("mpath" + lun.number() + Multipath.SUFFIX);
  }

  private void configure() throws IOException {
    if (!Files.isDirectory(IscsiLab.ETC_UPPER)) {
      throw new IllegalStateException("no private /etc: start an IscsiLab first");
    }
    StringBuilder c = new StringBuilder();
    c.append("# clvm iSCSI tests (a private /etc in the UML guest)\n");
    c.append("defaults {\n");
    c.append("  user_friendly_names no\n");
    c.append("  find_multipaths no\n");
    c.append("  uid_attribute \"\"\n");
    c.append("  path_grouping_policy multibus\n");
    c.append("  path_selector \"round-robin 0\"\n");
    c.append("  path_checker tur\n");
    c.append("  polling_interval 2\n");
    c.append("  no_path_retry fail\n");
    c.append("}\n");
    c.append("blacklist {\n  wwid \".*\"\n}\n");
    c.append("blacklist_exceptions {\n");
    for (IscsiLab.Lun lun : luns) {
      c.append("  wwid \"^").append(Multipath.mpathWwid(lun.wwid())).append("$\"\n");
    }
    c.append("}\n");
    c.append("multipaths {\n");
    for (IscsiLab.Lun lun : luns) {
      c.append("  multipath {\n");
      c.append("    wwid \"").append(Multipath.mpathWwid(lun.wwid())).append("\"\n");
      c.append("    alias \"").append(alias(lun).value()).append("\"\n");
      c.append("  }\n");
    }
    c.append("}\n");
    Files.writeString(Path.of("/etc/multipath.conf"), c.toString(), StandardCharsets.UTF_8);
    Path rules = Path.of("/etc/udev/rules.d");
    Files.createDirectories(rules);
    for (String r : List.of("56-lvm.rules", "69-lvm.rules")) {
      Files.deleteIfExists(rules.resolve(r));
      Files.createSymbolicLink(rules.resolve(r), Path.of("/dev/null"));
    }
  }

  private void startUdevd() throws IOException {
    udevd = Proc.start(logs.resolve("udevd.log"), List.of("/lib/systemd/systemd-udevd"));
    Await.until(
        "udevd's control socket",
        Duration.ofSeconds(30),
        () -> {
          if (!udevd.isAlive()) {
            throw new IllegalStateException("udevd exited, see iscsi-logs/udevd.log");
          }
          return Files.exists(Path.of("/run/udev/control"));
        });
    IscsiLab.note("udevd up");
  }

  /**
   * Starts multipathd, replays the SCSI disks' add events (they appeared before udevd ran), and
   * waits until every LUN's map is there with all its paths active.
   */
  void start() throws IOException {
    multipathd = Proc.start(logs.resolve("multipathd.log"), List.of("multipathd", "-d", "-s"));
    Await.until(
        "multipathd's socket",
        Duration.ofSeconds(30),
        () -> {
          if (!multipathd.isAlive()) {
            throw new IllegalStateException("multipathd exited, see iscsi-logs/multipathd.log");
          }
          return IscsiLab.unixSocketListed("@/org/kernel/linux/storage/multipathd");
        });
    Proc.sh(
            120,
            "udevadm trigger --action=add --subsystem-match=block --sysname-match='sd*'\n"
                + "udevadm settle -t 60")
        .orThrow("replaying the disks' udev events");
    for (IscsiLab.Lun lun : luns) {
      awaitPaths(lun, "A".repeat(lun.paths().size()));
    }
    IscsiLab.note("multipathd up, maps: " + luns.stream().map(Multipathd::alias).toList());
  }

  /** Stops multipathd (SIGTERM); its maps stay. */
  void stop() {
    Proc.stop(multipathd, 20);
    multipathd = null;
    IscsiLab.note("multipathd stopped");
  }

  /** The kernel node of {@code lun}'s map ({@code /dev/dm-N}). */
  Path node(IscsiLab.Lun lun) throws IOException {
    DeviceInfo info =
        dm.info(alias(lun)).orElseThrow(() -> new AssertionError("no map " + alias(lun)));
    return Path.of("/dev/dm-" + info.device().minor());
  }

  /** The map's paths as the kernel has them: "major:minor" and 'A' or 'F' for each, in order. */
  List<String> paths(IscsiLab.Lun lun) throws IOException {
    List<String> out = new ArrayList<>();
    Optional<DeviceInfo> info = dm.info(alias(lun));
    if (info.isEmpty()) {
      return out;
    }
    List<TargetStatus> st = dm.status(alias(lun));
    if (st.isEmpty()) {
      return out;
    }
    String[] w = st.get(0).status().trim().split("\\s+");
    for (int i = 0; i + 1 < w.length; i++) {
      if (w[i].matches("\\d+:\\d+") && w[i + 1].matches("[AF]")) {
        out.add(w[i] + " " + w[i + 1]);
      }
    }
    return out;
  }

  /** The path states of {@code lun}'s map, one letter per path ("AA", "A", "AF"...). */
  String states(IscsiLab.Lun lun) {
    try {
      StringBuilder b = new StringBuilder();
      for (String p : paths(lun)) {
        b.append(p.charAt(p.length() - 1));
      }
      return b.toString();
    } catch (IOException e) {
      return "?";
    }
  }

  /** Waits until {@code lun}'s map has exactly the path states {@code states} (e.g. "AA"). */
  void awaitPaths(IscsiLab.Lun lun, String states) {
    Await.until(
        "multipath map " + alias(lun) + " with paths " + states,
        Duration.ofSeconds(60),
        () -> states.equals(states(lun)));
  }

  @Override
  public void close() throws IOException {
    stop();
    try (Multipath m = new Multipath(dm)) {
      // removes every mpath*-clvmtest map (the ones multipathd made)
    } finally {
      if (udevd != null && udevd.isAlive()) {
        try {
          Proc.run(30, List.of("udevadm", "control", "--exit"));
        } catch (IOException | RuntimeException e) {
          IscsiLab.note("udevadm control --exit: " + e);
        }
      }
      Proc.stop(udevd, 20);
      udevd = null;
      // udev's state, in the guest's private /run: without it, later tests see no udev (the
      // bridge makes device nodes itself only when /run/udev/control does not exist)
      Proc.sh(30, "rm -rf /run/udev").orThrow("removing /run/udev");
    }
  }
}
