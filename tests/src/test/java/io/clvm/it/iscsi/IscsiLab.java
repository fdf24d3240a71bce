package io.clvm.it.iscsi;

import io.clvm.dm.DeviceNumber;
import io.clvm.testing.Await;
import io.clvm.testing.cluster.ScratchDir;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An iSCSI storage server and its initiator, inside the User-Mode Linux guest: {@code tgtd}
 * exporting file-backed LUNs ({@code <scratch>/lunN-clvmtest.img}) on two portals, {@code
 * 127.0.0.1:3260} and {@code 127.0.0.2:3260} (both on {@code lo}: two network paths to one target),
 * and {@code iscsid} logged in through both, so that every LUN appears as two SCSI disks.
 *
 * <p>The host's configuration is never touched: the guest gets a private overlay over {@code /etc}
 * (its writes go to the guest's tmpfs), holding adjusted copies of {@code initiatorname.iscsi} and
 * {@code iscsid.conf} (with short timeouts, so that I/O fails within seconds when the target is
 * gone instead of queueing for two minutes), tgtd's control socket is under the guest's private
 * {@code /run}, and the backing files are in a scratch folder. The fixture refuses to run outside
 * the guest ({@code CLVM_IN_UML=1}).
 *
 * <p>{@link #close} undoes everything in reverse order, each step even when an earlier one failed:
 * log out, stop iscsid, stop tgtd, unmount the private {@code /etc} (and check that the host's
 * {@code /etc/iscsi} and {@code /etc/multipath} did not change), delete the images.
 */
final class IscsiLab implements AutoCloseable {
  static final String IQN = "iqn.2026-11.io.clvm:storage-clvmtest";
  static final String INITIATOR = "iqn.2026-11.io.clvm:node1-clvmtest";
  static final List<String> PORTALS = List.of("127.0.0.1:3260", "127.0.0.2:3260");
  static final int CONTROL_PORT = 7;
  static final Duration DISK_WAIT = Duration.ofSeconds(60);

  /** The iscsid settings that bound an outage: I/O fails after 5 s instead of 120 s. */
  static final Map<String, String> SETTINGS = settings();

  /** One SCSI disk: a LUN seen through one session. */
  record Path1(String name, Path node, DeviceNumber number, String wwid, String portal) {}

  /** A LUN and its paths, one per portal (in {@link #PORTALS} order). */
  record Lun(int number, Path image, String wwid, List<Path1> paths) {}

  private final Path scratch;
  private final Path logs;
  private final int lunCount;
  private final long lunBytes;
  private final List<Path> images = new ArrayList<>();
  private Process tgtd;
  private Process iscsid;
  private boolean etcMounted;
  private String hostEtcBefore;

  private static final long T0 = System.nanoTime();

  /** A progress line on the guest's stderr (target/uml/guest-stderr.log), with the time. */
  static void note(String what) {
    System.err.printf("[iscsi %7.2f s] %s%n", (System.nanoTime() - T0) / 1e9, what);
    System.err.flush();
  }

  private static Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("iscsid.startup", "/bin/false");
    m.put("node.startup", "manual");
    m.put("node.session.timeo.replacement_timeout", "5");
    m.put("node.conn[0].timeo.noop_out_interval", "2");
    m.put("node.conn[0].timeo.noop_out_timeout", "2");
    m.put("node.conn[0].timeo.login_timeout", "5");
    m.put("node.conn[0].timeo.logout_timeout", "5");
    m.put("node.session.initial_login_retry_max", "2");
    m.put("node.session.scan", "auto");
    return m;
  }

  /**
   * Starts the target and the initiator and logs in through both portals.
   *
   * @param scratch a private folder of the guest for the images
   * @param logs where tgtd's and iscsid's logs go (a folder the host sees)
   * @param luns how many LUNs (≥ 1)
   * @param lunBytes each LUN's size
   */
  IscsiLab(Path scratch, Path logs, int luns, long lunBytes) throws IOException {
    if (!"1".equals(System.getenv("CLVM_IN_UML"))) {
      throw new IllegalStateException(
          "IscsiLab mounts over /etc/iscsi and starts daemons: it runs only in the UML guest");
    }
    this.scratch = scratch;
    this.logs = logs;
    this.lunCount = luns;
    this.lunBytes = lunBytes;
    boolean ok = false;
    try {
      start();
      ok = true;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  private void start() throws IOException {
    clearLeftovers();
    Files.createDirectories(scratch);
    Files.createDirectories(logs);
    Proc.sh(60, "modprobe -a sd_mod iscsi_tcp dm-multipath dm-round-robin dm-service-time overlay")
        .orThrow("loading iscsi_tcp and dm-multipath");
    note("modules loaded");
    privateEtc();
    for (int i = 1; i <= lunCount; i++) {
      Path img = scratch.resolve("lun" + i + "-clvmtest.img");
      Files.deleteIfExists(img); // an old image would keep its data: a LUN starts zeroed
      try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
        f.setLength(lunBytes);
      }
      images.add(img);
    }
    startTarget();
    note("target up");
    iscsid =
        Proc.start(
            logs.resolve("iscsid.log"),
            List.of(
                "iscsid",
                "-f",
                "-n",
                "-c",
                "/etc/iscsi/iscsid.conf",
                "-i",
                "/etc/iscsi/initiatorname.iscsi"));
    Await.until(
        "iscsid's control socket",
        Duration.ofSeconds(30),
        () -> {
          if (!iscsid.isAlive()) {
            throw new IllegalStateException("iscsid exited: " + log("iscsid.log"));
          }
          return unixSocketListed("@ISCSIADM_ABSTRACT_NAMESPACE");
        });
    StringBuilder s = new StringBuilder();
    for (String portal : PORTALS) {
      s.append("iscsiadm -m discovery -t sendtargets -p ").append(portal).append('\n');
    }
    for (String portal : PORTALS) {
      s.append("iscsiadm -m node -T ").append(IQN).append(" -p ").append(portal).append(" -l\n");
    }
    Proc.sh(120, s.toString()).orThrow("iSCSI discovery and login");
    note("logged in");
    awaitPaths(PORTALS);
    note("disks: " + disks());
  }

  /** Set once this guest's first lab has removed the logs of earlier runs. */
  private static final AtomicBoolean OLD_LOGS_REMOVED = new AtomicBoolean();

  /**
   * Removes what a run that was killed instead of closed left behind. Its logs are in a folder the
   * host keeps ({@code target/uml/iscsi-logs}) and would mix with this run's, so the first lab of a
   * guest starts them afresh (later labs of the same run append). A lab of this guest that never
   * got to {@link #close} left its overlay over {@code /etc}, tgtd and iscsid, and its images: they
   * go before anything starts (the guest's processes are all the tests').
   */
  private void clearLeftovers() throws IOException {
    if (OLD_LOGS_REMOVED.compareAndSet(false, true)) {
      ScratchDir.delete(logs);
    }
    if (Files.readString(Path.of("/proc/self/mounts")).contains("clvmtest-etc /etc overlay")) {
      note("leftovers: an earlier lab's /etc overlay, tgtd and iscsid");
      Proc.sh(60, "iscsiadm -m node -u || true");
      ProcessHandle.allProcesses()
          .filter(
              h ->
                  h.info()
                      .command()
                      .map(c -> c.endsWith("/tgtd") || c.endsWith("/iscsid"))
                      .orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
      Proc.sh(30, "umount -l /etc && rm -rf " + ETC_UPPER.getParent())
          .orThrow("unmounting an earlier lab's overlay on /etc");
    }
    if (scratch.getFileName().toString().endsWith("-clvmtest")) {
      ScratchDir.delete(scratch);
    }
  }

  /**
   * A private {@code /etc} for the guest: an overlay whose lower layer is the host's {@code /etc}
   * (read-only through it) and whose upper layer is a folder of the guest's private {@code /run}
   * tmpfs, so that iscsiadm's node records, multipath-tools' {@code wwids} and {@code bindings}
   * files and every configuration file the tests write land in the guest's memory, never on the
   * host. The host's {@code iscsid.conf} is copied with {@link #SETTINGS} replaced.
   */
  private void privateEtc() throws IOException {
    Path etc = Path.of("/etc/iscsi");
    String conf = "";
    Path hostConf = etc.resolve("iscsid.conf");
    if (Files.isReadable(hostConf)) {
      conf = Files.readString(hostConf, StandardCharsets.UTF_8);
    }
    hostEtcBefore = hostEtcState();
    Files.createDirectories(Path.of("/run/lock/iscsi"));
    Proc.sh(
            30,
            "rm -rf "
                + ETC_UPPER.getParent()
                + " && mkdir -p "
                + ETC_UPPER
                + " "
                + ETC_WORK
                + " && mount -t overlay clvmtest-etc -o lowerdir=/etc,upperdir="
                + ETC_UPPER
                + ",workdir="
                + ETC_WORK
                + " /etc")
        .orThrow("mounting a private overlay over /etc");
    etcMounted = true;
    Files.createDirectories(etc);
    StringBuilder b = new StringBuilder();
    for (String line : conf.split("\n", -1)) {
      String key = line.contains("=") ? line.substring(0, line.indexOf('=')).strip() : "";
      if (!SETTINGS.containsKey(key)) {
        b.append(line).append('\n');
      }
    }
    b.append("# clvm iSCSI tests: bounded outages\n");
    SETTINGS.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
    Files.writeString(etc.resolve("iscsid.conf"), b.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        etc.resolve("initiatorname.iscsi"),
        "InitiatorName=" + INITIATOR + "\n",
        StandardCharsets.UTF_8);
  }

  /** The guest's private upper layer over /etc (in its private /run tmpfs). */
  static final Path ETC_UPPER = Path.of("/run/clvmtest-etc/upper");

  private static final Path ETC_WORK = Path.of("/run/clvmtest-etc/work");

  /**
   * What the tests could write below the host's /etc, as seen with no overlay mounted: the entries
   * of {@code /etc/iscsi} (with their modification times) and whether {@code /etc/multipath} and
   * {@code /etc/multipath.conf} exist. {@link #close} compares it with the state before.
   */
  static String hostEtcState() throws IOException {
    StringBuilder b = new StringBuilder();
    for (String p : List.of("/etc/iscsi", "/etc/multipath", "/etc/multipath.conf")) {
      Path path = Path.of(p);
      b.append(p).append(Files.exists(path) ? " exists" : " absent").append('\n');
      if (Files.isDirectory(path)) {
        try (java.util.stream.Stream<Path> w = Files.walk(path)) {
          for (Path f : w.sorted().toList()) {
            b.append("  ")
                .append(f)
                .append(' ')
                .append(Files.getLastModifiedTime(f).toMillis())
                .append('\n');
          }
        }
      }
    }
    return b.toString();
  }

  /** Starts tgtd and exports the LUNs on both portals (again, after {@link #stopTarget}). */
  void startTarget() throws IOException {
    Path sock = controlSocket();
    Files.deleteIfExists(sock);
    Files.deleteIfExists(Path.of(sock + ".lock"));
    tgtd =
        Proc.start(
            logs.resolve("tgtd.log"),
            List.of(
                "tgtd",
                "-f",
                "-C",
                Integer.toString(CONTROL_PORT),
                "--iscsi",
                "portal=" + PORTALS.get(0)));
    Await.until(
        "tgtd's control socket " + sock,
        Duration.ofSeconds(30),
        () -> {
          if (!tgtd.isAlive()) {
            throw new IllegalStateException("tgtd exited: " + log("tgtd.log"));
          }
          return Files.exists(sock);
        });
    String adm = "tgtadm -C " + CONTROL_PORT + " --lld iscsi ";
    StringBuilder s = new StringBuilder();
    // the control socket exists a moment before tgtd answers on it
    s.append("i=0; until ")
        .append(adm)
        .append("--op show --mode sys >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 200 ];")
        .append(" done\n");
    for (String portal : PORTALS.subList(1, PORTALS.size())) {
      s.append(adm).append("--op new --mode portal --param portal=").append(portal).append('\n');
    }
    s.append(adm).append("--op new --mode target --tid 1 -T ").append(IQN).append('\n');
    for (int i = 0; i < images.size(); i++) {
      s.append(adm)
          .append("--op new --mode logicalunit --tid 1 --lun ")
          .append(i + 1)
          .append(" -b ")
          .append(images.get(i))
          .append('\n');
    }
    s.append(adm).append("--op bind --mode target --tid 1 -I ALL\n");
    Proc.sh(60, s.toString()).orThrow("configuring the iSCSI target");
    note("target configured");
  }

  /** Kills tgtd (the storage server going away): sessions lose their connection. */
  void stopTarget() {
    if (tgtd != null) {
      tgtd.destroyForcibly();
      try {
        tgtd.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      tgtd = null;
      note("tgtd killed");
    }
  }

  /** Logs out of the session through {@code portal}; its SCSI disks go away. */
  void logout(String portal) throws IOException {
    Proc.sh(60, "iscsiadm -m node -T " + IQN + " -p " + portal + " -u").orThrow("logout");
    Await.until(
        "the disks of " + portal + " to go",
        DISK_WAIT,
        () -> disks().stream().noneMatch(d -> d.portal().equals(portal)));
  }

  /** Logs in through {@code portal} again and waits for its disks. */
  void login(String portal) throws IOException {
    Proc.sh(60, "iscsiadm -m node -T " + IQN + " -p " + portal + " -l").orThrow("login");
    awaitPaths(PORTALS);
  }

  private void awaitPaths(List<String> portals) {
    Await.until(
        lunCount + " LUNs through " + portals,
        DISK_WAIT,
        () -> {
          List<Path1> d = disks();
          return d.size() == lunCount * portals.size()
              && d.stream().allMatch(p -> Files.exists(p.node()));
        });
  }

  /** The LUNs, each with its paths in portal order. */
  List<Lun> luns() {
    Map<String, List<Path1>> byWwid = new TreeMap<>();
    for (Path1 p : disks()) {
      byWwid.computeIfAbsent(p.wwid(), k -> new ArrayList<>()).add(p);
    }
    List<Lun> out = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, List<Path1>> e : byWwid.entrySet()) {
      List<Path1> paths = new ArrayList<>(e.getValue());
      paths.sort((a, b) -> PORTALS.indexOf(a.portal()) - PORTALS.indexOf(b.portal()));
      n++;
      out.add(new Lun(n, images.get(n - 1), e.getKey(), List.copyOf(paths)));
    }
    return out;
  }

  private static final Pattern SESSION = Pattern.compile("/session(\\d+)/");

  /**
   * The SCSI disks of our target now present, from sysfs: {@code /sys/block/sdX} whose device is in
   * an iSCSI session to {@link #IQN}, with its wwid and portal.
   */
  List<Path1> disks() {
    List<Path1> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/block"), "sd*")) {
      for (Path b : ds) {
        Optional<Path1> p = disk(b);
        p.ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  private static Optional<Path1> disk(Path block) {
    try {
      String name = block.getFileName().toString();
      Path device = block.resolve("device").toRealPath();
      Matcher m = SESSION.matcher(device.toString() + "/");
      if (!m.find()) {
        return Optional.empty();
      }
      String session = "session" + m.group(1);
      Path cls = Path.of("/sys/class/iscsi_session", session);
      String target = read(cls.resolve("targetname"));
      if (!IQN.equals(target)) {
        return Optional.empty();
      }
      if (Long.parseLong(read(block.resolve("size"))) == 0) {
        return Optional.empty(); // not yet sized
      }
      String wwid = read(block.resolve("device").resolve("wwid"));
      String portal = portalOf(m.group(1));
      DeviceNumber number = DeviceNumber.parse(read(block.resolve("dev")));
      return Optional.of(new Path1(name, Path.of("/dev", name), number, wwid, portal));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // going away, or half made
    }
  }

  private static String portalOf(String sessionNumber) throws IOException {
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(
            Path.of("/sys/class/iscsi_connection"), "connection" + sessionNumber + ":*")) {
      for (Path c : ds) {
        return read(c.resolve("persistent_address")) + ":" + read(c.resolve("persistent_port"));
      }
    }
    throw new IOException("no connection for session " + sessionNumber);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.US_ASCII).strip();
  }

  static boolean unixSocketListed(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
        if (line.endsWith(" " + name)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static Path controlSocket() {
    return Path.of("/run/tgtd/socket." + CONTROL_PORT);
  }

  String log(String name) {
    try {
      return Files.readString(logs.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  /** Undoes everything, in reverse order; each step runs even when one before failed. */
  @Override
  public void close() throws IOException {
    note("teardown");
    List<Exception> problems = new ArrayList<>();
    if (iscsid != null && iscsid.isAlive()) {
      try {
        Proc.run(60, List.of("iscsiadm", "-m", "node", "-u"));
      } catch (IOException | RuntimeException e) {
        problems.add(e);
      }
    }
    note("teardown: logged out");
    // neither daemon exits promptly on SIGTERM (each took the whole 10 s grace): the sessions are
    // gone, so iscsid gets a short one, and tgtd is killed as stopTarget kills it
    Proc.stop(iscsid, 2);
    iscsid = null;
    stopTarget();
    note("teardown: iscsid and tgtd stopped");
    if (etcMounted) {
      try {
        Proc.sh(30, "umount -l /etc && rm -rf " + ETC_UPPER.getParent())
            .orThrow("unmounting the overlay on /etc");
        etcMounted = false;
        String after = hostEtcState();
        if (!after.equals(hostEtcBefore)) {
          problems.add(
              new IllegalStateException(
                  "the host's /etc changed:\nbefore\n" + hostEtcBefore + "after\n" + after));
        }
      } catch (IOException | RuntimeException e) {
        problems.add(e);
      }
    }
    for (Path img : images) {
      try {
        Files.deleteIfExists(img);
      } catch (IOException e) {
        problems.add(e);
      }
    }
    note("teardown done");
    if (!problems.isEmpty()) {
      IOException e = new IOException("iSCSI teardown incomplete");
      problems.forEach(e::addSuppressed);
      throw e;
    }
  }
}
