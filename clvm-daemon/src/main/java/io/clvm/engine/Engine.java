package io.clvm.engine;

import io.clvm.engine.config.EngineConfig;
import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportRow;
import java.util.List;

/**
 * The command engine shared by local mode and clvmd: device scan, VG reading, local locks and the
 * lvm2 operations. One instance serves one command.
 */
public class Engine {
  private final EngineConfig config;
  private final Console console;
  private final List<String> devices;
  private String commandLine = "clvm";
  private Activator activator = new Activator(Activator.KERNEL);
  private boolean test;
  private boolean foreign;
  // integ: set by clvmd in cluster mode (locks, commits and activation through the cluster).
  private Coordinator coordinator;
  // integ: clvmd's report cache (null: every report scans the devices).
  private ScanCache reportCache;

  /**
   * @param config the configuration
   * @param console where messages go
   * @param devices the {@code --devices} restriction; empty means the configured or scanned ones
   */
  public Engine(EngineConfig config, Console console, List<String> devices) {
    this.config = config;
    this.console = console;
    this.devices = List.copyOf(devices);
    if (!config.activation()) {
      // lvm2's global/activation = 0: device-mapper is never asked (an opener given later wins).
      this.activator = Activator.disabled();
    }
  }

  /** The command line, recorded in the metadata's description as lvm2 records it. */
  public Engine withCommandLine(String line) {
    this.commandLine = line;
    return this;
  }

  /** Another way to reach device-mapper (tests: the in-memory one). */
  public Engine withDeviceMapper(Activator.Opener opener) {
    this.activator = new Activator(opener);
    return this;
  }

  /** integ: cluster mode inside clvmd: locks, commits and activation go through the cluster. */
  public Engine withCoordinator(Coordinator c) {
    this.coordinator = c;
    this.activator = new Activator(c);
    this.reportCache = c.reportCache();
    return this;
  }

  /** Reports go through {@code cache} (clvmd sets it through its coordinator; tests directly). */
  Engine withReportCache(ScanCache cache) {
    this.reportCache = cache;
    return this;
  }

  /** The cluster coordinator, or null in local mode. */
  public Coordinator coordinator() {
    return coordinator;
  }

  /** {@code -t/--test}: everything is checked, nothing is written. */
  public Engine withTest(boolean t) {
    this.test = t;
    return this;
  }

  /** {@code --foreign}: reports and displays include VGs with another host's system ID. */
  public Engine withForeign(boolean f) {
    this.foreign = f;
    return this;
  }

  boolean test() {
    return test;
  }

  String commandLine() {
    return commandLine;
  }

  Activator activator() {
    return activator;
  }

  MetadataWriter writer() {
    return new MetadataWriter(config, console, commandLine, parsedVgs());
  }

  /** The VG write lock (global.lock_dir/V_vg). */
  VgLock lockVg(String vg) throws EngineException {
    if (coordinator != null) {
      return VgLock.of(coordinator.lockVg(vg));
    }
    return VgLock.vg(config.lockDir(), vg);
  }

  /** The orphan PV lock (global.lock_dir/P_orphans). */
  VgLock lockOrphans() throws EngineException {
    if (coordinator != null) {
      return VgLock.of(coordinator.lockGlobal());
    }
    return VgLock.orphans(config.lockDir());
  }

  /**
   * Reads {@code vgName} for a change: refuses VGs this host must not write (another host's system
   * ID, a cluster lock type, missing PVs), as lvm2 refuses them.
   */
  VgState readForWrite(Scan scan, String vgName) throws EngineException {
    VgState st = scan.readAny(vgName, console);
    io.clvm.format.model.VolumeGroup vg = st.vg();
    if (scan.isForeign(vg)) {
      throw scan.foreignRefusal(vg); // --foreign never allows a change
    }
    if (coordinator != null) {
      coordinator.checkWritable(st);
    } else if (vg.lockType() != null && !vg.lockType().isEmpty() && !vg.lockType().equals("none")) {
      throw new EngineException(
          "Cannot change VG "
              + vgName
              + " with lock type "
              + vg.lockType()
              + " in local mode: it is managed by a cluster. Run 'clvm enable-cluster' and"
              + " clvmd to change it.");
    }
    if (!st.read().missingPvIds().isEmpty()) {
      throw new EngineException(
          "Cannot change VG "
              + vgName
              + " while PVs are missing.\n"
              + "See vgreduce --removemissing and vgextend --restoremissing.");
    }
    return st;
  }

  /** Commits {@code next} as the new version of {@code old} (unless in test mode). */
  io.clvm.format.model.VolumeGroup commit(
      Scan scan, VgState old, io.clvm.format.model.VolumeGroup next) throws EngineException {
    if (test) {
      console.print("Test mode: Metadata will NOT be updated.");
      return next;
    }
    io.clvm.format.model.VolumeGroup written;
    if (coordinator != null) {
      Coordinator.Committed c = coordinator.commit(old, next);
      written = c.vg();
      c.capacityWarning().ifPresent(console::warn);
      archiveAndBackUp(c.replaced(), written);
    } else {
      written = writer().commit(scan, old, next);
    }
    scan.refresh();
    return written;
  }

  /**
   * Cluster mode: the committing node archives the replaced version and backs up the new one as
   * local mode does, but only once the commit point has passed ({@link Coordinator#commit}
   * returned), so that a refused or failed commit leaves no archive of a change that never was.
   */
  private void archiveAndBackUp(
      io.clvm.format.model.VgMetadata old, io.clvm.format.model.VolumeGroup written) {
    MetadataWriter w = writer();
    coordinator.afterUnlock(
        written,
        () -> {
          if (old != null) {
            w.archive(old);
          }
        },
        () -> w.backup(written));
  }

  /** The first commit of a new VG (vgcreate); in cluster mode it is marked cluster-managed. */
  void commitNew(Scan scan, io.clvm.format.model.VolumeGroup vg) throws EngineException {
    if (coordinator != null) {
      Coordinator.Committed c = coordinator.commit(null, vg);
      c.capacityWarning().ifPresent(console::warn);
      archiveAndBackUp(null, c.vg());
    } else {
      writer().commit(scan, null, vg);
    }
  }

  public EngineConfig config() {
    return config;
  }

  public Console console() {
    return console;
  }

  public List<String> devices() {
    return devices;
  }

  /** A report's rows and whether some named object was not found (lvm2 then exits 5). */
  public record Rows(List<ReportRow> rows, boolean failed) {}

  /**
   * The rows of a report of {@code kind} for the named objects (VG names, VG/LV names or PV paths;
   * all when empty). Reports take no lock: they read whatever is committed, as lvm2's reports never
   * wait for a writer.
   */
  public Rows reportRows(ReportKind kind, List<String> names) throws EngineException {
    return reportRows(kind, names, false);
  }

  /**
   * As {@link #reportRows(ReportKind, List)}; with {@code all} (lvs -a) hidden LVs are reported
   * too, as lvm2 does with their names in brackets.
   */
  public Rows reportRows(ReportKind kind, List<String> names, boolean all) throws EngineException {
    try (Scan scan =
        reportCache == null
            ? scan(false)
            : reportCache
                .reportScan(Devices.candidates(devices), devices, console)
                .foreign(config.systemId(), foreign)) {
      KernelState kernel =
          kind == ReportKind.VGS
              ? KernelState.disabled()
              : activator.kernelState(config.activation());
      return ReportRows.build(scan, kind, names, all, console, kernel);
    }
  }

  /** This host's device-mapper state, for reports and displays (opened on first use). */
  KernelState kernelState() {
    return activator.kernelState(config.activation());
  }

  /**
   * Local mode's parsed texts: one command's own (a process per command), so that the text it
   * commits is not parsed again by the commit's check, nor the VG's old text by the commit's scan.
   */
  private final ParsedVgs ownParsed = new ParsedVgs();

  private ParsedVgs parsedVgs() {
    return coordinator == null ? ownParsed : coordinator.parsedVgs();
  }

  /** Scans the candidate devices. */
  Scan scan(boolean writable) throws EngineException {
    return withPending(
        Scan.of(Devices.candidates(devices), writable, devices, console, parsedVgs())
            .foreign(config.systemId(), foreign));
  }

  /** Cluster mode: a VG under this command's lock reads as its group's pending version. */
  private Scan withPending(Scan scan) {
    return coordinator == null ? scan : scan.pending(coordinator::pendingVersion);
  }

  /**
   * Scans the candidate devices plus {@code named} ones (pvcreate's, vgcreate's arguments: a
   * regular file is a device when named).
   */
  Scan scan(boolean writable, List<String> named) throws EngineException {
    java.util.LinkedHashSet<String> all =
        new java.util.LinkedHashSet<>(Devices.candidates(devices));
    // A named block device that is also a candidate under another name (/dev/mapper/mpatha is the
    // scan's /dev/dm-0) is one device, scanned once under the name given; scanned twice it would
    // be its own duplicate PV, and the VG refused.
    for (String n : named) {
      long[] number = Devices.majorMinor(n);
      if (number != null) {
        all.removeIf(c -> !c.equals(n) && java.util.Arrays.equals(number, Devices.majorMinor(c)));
      }
    }
    all.addAll(named);
    return withPending(
        Scan.of(new java.util.ArrayList<>(all), writable, named, console, parsedVgs())
            .foreign(config.systemId(), foreign));
  }

  /** Fails an operation clvm does not have yet, plainly. */
  public int notImplemented(String command) throws EngineException {
    throw new EngineException(command + ": not implemented yet in clvm.");
  }
}
