package io.clvm.daemon.backend;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.Json;
import io.clvm.cluster.NodeInfo;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.lock.ClusterLocks;
import io.clvm.cluster.lock.LockView;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.cluster.status.ClusterStatus;
import io.clvm.cluster.status.VgStatus;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.engine.Devices;
import io.clvm.engine.ParsedVgs;
import io.clvm.engine.ScanCache;
import io.clvm.engine.config.EngineConfig;
import io.clvm.format.MetadataException;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.model.ClusterMarking;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.VgRead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of one clvmd (integ): the shared disks, this node's device-mapper tables, the
 * propagation callback, fencing, and the per-command {@link ClusterCoordinator}s. The daemon's
 * {@link io.clvm.daemon.DaemonBackend} (in clvm-cli, which has the commands' parser) wraps it.
 *
 * <p>Configuration keys (besides clvmd's): {@code devices.devices} (the PVs, comma-separated;
 * empty: every block device), {@code activation.name_prefix} (prefix of every dm name and UUID this
 * node creates; default empty), {@code activation.device_mapper} ({@code auto}, {@code kernel} or
 * {@code memory}).
 */
public final class ClusterBackend implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBackend.class);

  private final DaemonConfig config;
  private final EngineConfig engineConfig;
  private final List<String> devices;
  private final DiskMetadata disks;
  private final NodeTables tables;
  private final ParsedVgs parsedVgs = new ParsedVgs();
  private final ScanCache reportCache = new ScanCache(parsedVgs);

  /**
   * VG and LV names of every table this node loaded, by {@code vgUuid/lvUuid}: fencing must find
   * its tables exactly when ZooKeeper (the copy of record) cannot be reached.
   */
  private final Map<String, String[]> loaded = new ConcurrentHashMap<>();

  /**
   * By {@code vgUuid/lvUuid}: the seqno of the VG text a command of this node last loaded the LV
   * from; propagation does not load an older text for it. The propagation thread may have read a
   * text before this node's own command committed a newer one; loading it afterwards would bring
   * back an old size or, after a rename, create a device under the old name that nothing owns
   * (found by the fault-injection suite). The same seqno again is allowed: that is how a withdrawn
   * reduce brings the committed size back.
   */
  private final Map<String, Long> propagationFloor = new ConcurrentHashMap<>();

  private final Map<String, Named> names = new ConcurrentHashMap<>();
  private volatile ClusterNode cluster;

  /** A managed VG's name at a seqno. */
  private record Named(long seqno, String name) {}

  public ClusterBackend(DaemonConfig config) throws IOException {
    this(config, null);
  }

  /**
   * With {@code deviceMapper} (if not null) instead of the configured one, recording tables without
   * loading them. Tests hand the same in-memory device-mapper to a clvmd and to the one restarted
   * after it, so that the devices outlive the process as the kernel's do.
   */
  public ClusterBackend(DaemonConfig config, io.clvm.dm.DeviceMapper deviceMapper)
      throws IOException {
    this.config = config;
    this.engineConfig =
        EngineConfig.of(java.nio.file.Path.of("clvmd:" + config.nodeId()), config.raw());
    this.devices = Devices.candidates(engineConfig.devices());
    this.disks = new DiskMetadata(() -> devices, parsedVgs.texts());
    String prefix = config.raw().getOrDefault("activation.name_prefix", "");
    this.tables =
        deviceMapper != null
            ? new NodeTables(deviceMapper, false, prefix, () -> devices)
            : NodeTables.open(
                config.raw().getOrDefault("activation.device_mapper", "auto"),
                prefix,
                () -> devices);
  }

  /** The configuration the engine runs with inside this daemon. */
  public EngineConfig engineConfig() {
    return engineConfig;
  }

  public DaemonConfig config() {
    return config;
  }

  public List<String> devices() {
    return devices;
  }

  public MetadataDisks metadataDisks() {
    return disks;
  }

  public NodeTables tables() {
    return tables;
  }

  /** Parsed metadata texts and models, shared by this daemon's commands and commits. */
  public ParsedVgs parsedVgs() {
    return parsedVgs;
  }

  /** The reports' metadata cache, shared by this daemon's commands. */
  public ScanCache reportCache() {
    return reportCache;
  }

  /**
   * Called once the cluster services run, before this node takes any command (the control socket,
   * other nodes' requests): the devices a previous clvmd of this node left in the device-mapper are
   * adopted or fenced first ({@link LeftDevices}).
   */
  public void attach(ClusterNode node) throws IOException {
    this.cluster = node;
    disks.metrics(node.metrics());
    try {
      new LeftDevices(this, node, config.lockTimeout()).reconcile();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reconciling the devices here");
    }
  }

  public ClusterNode cluster() {
    ClusterNode c = cluster;
    if (c == null) {
      throw new IllegalStateException("cluster services not started");
    }
    return c;
  }

  /** The seqno of the last backup file written per VG UUID (see {@link #backupInOrder}). */
  private final Map<String, Long> backedUp = new java.util.HashMap<>();

  /**
   * Runs {@code backup} (writing the backup file of VG {@code vgUuid} at {@code seqno}) unless a
   * later seqno was backed up already: backups are written after the VG lock is released, so two
   * commands of this node may finish in the other order, and the file must stay the newest.
   */
  void backupInOrder(String vgUuid, long seqno, Runnable backup) {
    synchronized (backedUp) {
      Long last = backedUp.get(vgUuid);
      if (last != null && last >= seqno) {
        return;
      }
      backup.run();
      backedUp.put(vgUuid, seqno);
    }
  }

  /** This node's share of each VG's cluster lock, by VG UUID (see {@link VgHold}). */
  private final Map<String, VgHold> holds = new ConcurrentHashMap<>();

  /** This node's share of VG {@code vgUuid}'s cluster lock: its commands queue on it. */
  public VgHold hold(String vgUuid) {
    return holds.computeIfAbsent(
        vgUuid,
        u -> new VgHold(u, this::cluster, config.lockShareMaxCommands(), config.lockShareMax()));
  }

  /** A coordinator for one command ({@code label} is shown as the lock holder). */
  public ClusterCoordinator coordinator(String label) {
    return new ClusterCoordinator(this, label);
  }

  VgStateStore store() {
    return new VgStateStore(cluster().client(), cluster().layout());
  }

  /** The UUID of the managed VG called {@code name}, if the cluster manages one. */
  Optional<String> uuidOf(String name) throws IOException {
    try {
      VgStateStore store = store();
      for (String uuid : store.vgUuids()) {
        Optional<VgStateStore.Versioned> st = store.readState(uuid);
        if (st.isEmpty()) {
          continue;
        }
        Named n = names.get(uuid);
        if (n == null || n.seqno() != st.get().state().seqno()) {
          CommittedVg vg = store.readNameOnly(uuid); // the name only, not the whole text
          n = new Named(vg.seqno(), vgName(vg.text()));
          names.put(uuid, n);
        }
        if (n.name().equals(name)) {
          return Optional.of(uuid);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("ZooKeeper: " + e, e);
    }
  }

  /** The name of the VG in a metadata text: its first top-level section. */
  static String vgName(String text) {
    int brace = text.indexOf('{');
    return brace < 0 ? "" : text.substring(0, brace).strip();
  }

  /**
   * Propagation: reloads the tables of this node's active LVs of a VG text (a new commit, the
   * committed text again after a withdrawn reduce, or, for {@code applyOnly}, a reduce intent's
   * LVs).
   */
  public ApplyCallback applyCallback() {
    return new ApplyCallback() {
      @Override
      public void apply(CommittedVg committed) throws Exception {
        reload(committed, null);
      }

      @Override
      public void applyOnly(CommittedVg vg, Set<String> lvUuids) throws Exception {
        reload(vg, lvUuids);
      }

      @Override
      public boolean needsText(String vgUuid) {
        return hasActive(vgUuid);
      }
    };
  }

  /**
   * Whether an LV of {@code vgUuid} is active on this node: exactly the LVs {@link #reload} looks
   * at, so with none it would change nothing.
   */
  private boolean hasActive(String vgUuid) {
    ClusterNode c = cluster;
    return c != null && c.activations().hasLocal(vgUuid);
  }

  /** Reloads the locally active LVs of {@code committed} ({@code only} those, unless null). */
  private void reload(CommittedVg committed, Set<String> only) throws IOException {
    ClusterNode c = cluster;
    if (c == null) {
      return; // nothing is active before the daemon serves commands
    }
    VolumeGroup vg = null;
    for (Activation a : c.activations().local()) {
      if (!a.vgUuid().equals(committed.vgUuid()) || (only != null && !only.contains(a.lvUuid()))) {
        continue;
      }
      if (vg == null) {
        vg = parsedVgs.parse(committed.text()).vg(); // parsed once per text on this node
      }
      String lvUuid = a.lvUuid();
      Optional<LogicalVolume> lv =
          vg.lvs().stream().filter(l -> l.id().dashed().equals(lvUuid)).findFirst();
      if (lv.isPresent()) {
        io.clvm.dm.lvm.LvActivation.Outcome outcome;
        // Under the tables' monitor, the activation must still be this node's: a deactivation
        // (lvchange -an, lvremove) removes the table and forgets the local activation under the
        // same monitor, so a reload from a text read before it can no longer re-create a table
        // that nothing owns (found by the fault-injection suite). Propagation only reloads: the
        // device exists under this text's name unless a command of this node changed it since.
        synchronized (tables) {
          if (!c.activations().local().contains(a)
              || committed.seqno() < propagationFloor.getOrDefault(key(a), Long.MIN_VALUE)
              || !tables.isActive(vg.name(), lv.get().name())) {
            continue;
          }
          outcome = reloadTable(vg, lv.get());
        }
        if (outcome != io.clvm.dm.lvm.LvActivation.Outcome.UNCHANGED) {
          LOG.info(
              "{}/{}: table {} for seqno {}",
              vg.name(),
              lv.get().name(),
              outcome.name().toLowerCase(java.util.Locale.ROOT),
              committed.seqno());
        }
      }
    }
  }

  static VolumeGroup parse(String text) throws MetadataException {
    return MetadataText.parse(text).vg();
  }

  /**
   * Loads (or reloads) {@code lv}'s table on this node for a command of this node, remembering its
   * names for fencing; propagation leaves the LV alone until a text newer than {@code vg}'s.
   */
  public io.clvm.dm.lvm.LvActivation.Outcome loadTable(VolumeGroup vg, LogicalVolume lv)
      throws IOException {
    synchronized (tables) {
      propagationFloor.put(key(vg.id().dashed(), lv.id().dashed()), vg.seqno());
      return reloadTable(vg, lv);
    }
  }

  /**
   * Loads the table, counted in the reload metric whoever loads it: after a local commit the
   * command and propagation race to load the same table, and only the first one changes anything.
   */
  private io.clvm.dm.lvm.LvActivation.Outcome reloadTable(VolumeGroup vg, LogicalVolume lv)
      throws IOException {
    loaded.put(key(vg.id().dashed(), lv.id().dashed()), new String[] {vg.name(), lv.name()});
    long start = System.nanoTime();
    io.clvm.dm.lvm.LvActivation.Outcome outcome = tables.activate(vg, lv);
    ClusterNode c = cluster;
    if (c != null && outcome != io.clvm.dm.lvm.LvActivation.Outcome.UNCHANGED) {
      c.metrics()
          .reload(outcome.name().toLowerCase(java.util.Locale.ROOT), System.nanoTime() - start);
    }
    return outcome;
  }

  /** Removes {@code lv}'s table on this node. */
  public void removeTable(VolumeGroup vg, LogicalVolume lv) throws IOException {
    synchronized (tables) {
      tables.deactivate(vg.name(), lv.name());
      loaded.remove(key(vg.id().dashed(), lv.id().dashed()));
      propagationFloor.remove(key(vg.id().dashed(), lv.id().dashed()));
    }
  }

  private static String key(Activation a) {
    return key(a.vgUuid(), a.lvUuid());
  }

  private static String key(String vgUuid, String lvUuid) {
    return vgUuid + "/" + lvUuid;
  }

  /** Fencing over this node's tables, by VG and LV UUID. */
  public LocalTables localTables() {
    return new LocalTables() {
      @Override
      public void fence(String vgUuid, String lvUuid) throws IOException {
        Optional<String[]> n = names(vgUuid, lvUuid);
        if (n.isPresent()) {
          tables.fence(n.get()[0], n.get()[1]);
        }
      }

      @Override
      public void unfence(String vgUuid, String lvUuid) throws IOException {
        Optional<String[]> n = names(vgUuid, lvUuid);
        if (n.isPresent()) {
          tables.unfence(n.get()[0], n.get()[1]);
        }
      }
    };
  }

  /**
   * VG and LV names for UUIDs: those of the table this node loaded, else from the copy of record
   * (which needs ZooKeeper, usually unreachable when fencing).
   */
  private Optional<String[]> names(String vgUuid, String lvUuid) throws IOException {
    String[] known = loaded.get(key(vgUuid, lvUuid));
    if (known != null) {
      return Optional.of(known);
    }
    try {
      VolumeGroup vg = parse(store().readMetadata(vgUuid).text());
      return vg.lvs().stream()
          .filter(l -> l.id().dashed().equals(lvUuid))
          .findFirst()
          .map(l -> new String[] {vg.name(), l.name()});
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("ZooKeeper: " + e, e);
    }
  }

  /**
   * {@code clvm cluster import VG}: brings a VG that is on the disks but not managed by the cluster
   * under its management. The VG is marked on the disks first (if it is not yet), then ZooKeeper is
   * seeded from the disks, never the other way round. Returns the committed seqno.
   */
  public long importVg(String name, String label) throws Exception {
    ClusterNode c = cluster();
    try (var global = c.locks().global(label, config.lockTimeout())) {
      if (uuidOf(name).isPresent()) {
        throw new ClusterStateException(
            "Volume group " + name + " is already under cluster" + " management.");
      }
      List<FileDevice> open = new ArrayList<>();
      try {
        for (String d : devices) {
          try {
            open.add(FileDevice.openReadWrite(java.nio.file.Path.of(d)));
          } catch (IOException e) {
            // not here
          }
        }
        VgRead read;
        try {
          read = MetadataStore.read(open, name);
        } catch (MetadataException e) {
          throw new ClusterStateException("Volume group " + name + " not found: " + e.getMessage());
        }
        if (!read.missingPvIds().isEmpty()) {
          throw new ClusterStateException(
              "Volume group " + name + " has missing PVs: repair it before importing.");
        }
        VolumeGroup vg = parse(new String(read.text(), StandardCharsets.UTF_8));
        Optional<String> other = ClusterMarking.clusterOf(vg);
        if (other.isPresent() && !other.get().equals(config.clusterName())) {
          throw new ClusterStateException(
              "Volume group " + name + " belongs to clvm cluster " + other.get() + ".");
        }
        if (vg.lockType() != null
            && !vg.lockType().isEmpty()
            && !vg.lockType().equals("none")
            && other.isEmpty()) {
          throw new ClusterStateException(
              "Volume group " + name + " has lock type " + vg.lockType() + " of another manager.");
        }
        if (other.isEmpty()) {
          VolumeGroup marked =
              ClusterMarking.mark(vg, config.clusterName()).withSeqno(vg.seqno() + 1);
          String text =
              MetadataText.printOnDisk(
                  new VgMetadata(marked, MetadataHeader.now("Write from " + label + ".", null)));
          List<FileDevice> pvs = new ArrayList<>();
          for (var s : read.pvs()) {
            pvs.add((FileDevice) s.device());
          }
          c.guard().check(c.guard().token());
          MetadataStore.commit(pvs, name, marked.seqno(), text.getBytes(StandardCharsets.UTF_8));
        }
      } finally {
        for (FileDevice f : open) {
          f.close();
        }
      }
      String uuid;
      try (var check = openAll()) {
        uuid =
            parse(new String(MetadataStore.read(check.list(), name).text(), StandardCharsets.UTF_8))
                .id()
                .dashed();
      }
      return c.protocol().importVg(uuid, label);
    }
  }

  /** Read-only handles on every candidate device, closed together. */
  private record Open(List<FileDevice> list) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      for (FileDevice f : list) {
        f.close();
      }
    }
  }

  private Open openAll() {
    List<FileDevice> out = new ArrayList<>();
    for (String d : devices) {
      try {
        out.add(FileDevice.openReadOnly(java.nio.file.Path.of(d)));
      } catch (IOException e) {
        // not here
      }
    }
    return new Open(out);
  }

  /** {@code clvm cluster status}: as text, or as JSON ({@code --reportformat json}). */
  public String status(boolean json) throws Exception {
    ClusterNode c = cluster();
    ClusterStatus st = c.status().read();
    Map<String, VolumeGroup> vgs = new TreeMap<>();
    for (VgStatus v : st.vgs()) {
      try {
        vgs.put(v.vgUuid(), parse(store().readMetadata(v.vgUuid()).text()));
      } catch (Exception e) {
        // a VG half created or removed meanwhile: shown by UUID
      }
    }
    if (json) {
      ObjectNode root = Json.MAPPER.createObjectNode();
      ObjectNode cl = root.putObject("cluster");
      cl.put("name", config.clusterName());
      cl.put("answered_by", st.answeredBy());
      cl.put("session", sessionText(st.session()));
      cl.put("registration_session", sessionText(st.registrationSession()));
      cl.put("connection", st.connection());
      cl.put("device_mapper", tables.kernel() ? "kernel" : "recorded, not loaded");
      ArrayNode nodes = cl.putArray("nodes");
      st.nodes().forEach(n -> nodes.add(Json.MAPPER.valueToTree(n)));
      cl.set("global_lock", Json.MAPPER.valueToTree(st.globalLock()));
      ArrayNode list = cl.putArray("vgs");
      for (VgStatus v : st.vgs()) {
        ObjectNode o = list.addObject();
        VolumeGroup vg = vgs.get(v.vgUuid());
        o.put("vg_name", vg == null ? "?" : vg.name());
        o.put("vg_uuid", v.vgUuid());
        o.put("seqno", v.seqno());
        o.put("committer", v.committer());
        o.set("lock", Json.MAPPER.valueToTree(v.lock()));
        ArrayNode act = o.putArray("active");
        for (Activation a : v.active()) {
          ObjectNode x = act.addObject();
          x.put("lv_name", lvName(vg, a.lvUuid()));
          x.put("node", a.node());
          x.put("mode", a.mode().code());
        }
        o.set("applied", Json.MAPPER.valueToTree(v.applied()));
      }
      // This node's device-mapper as it is (kernel or recorded): name, dm UUID, live table; and
      // the device each PV is on here, so that a table can be checked against the metadata.
      ArrayNode devs = cl.putArray("devices_here");
      tables
          .devices()
          .forEach(
              (name, d) -> {
                ObjectNode x = devs.addObject();
                x.put("name", name);
                x.put("uuid", d[0]);
                x.put("table", d[1]);
              });
      ObjectNode pvDevs = cl.putObject("pv_devices_here");
      tables.pvNumbers().forEach((pv, number) -> pvDevs.put(pv.raw(), number.toString()));
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }
    StringBuilder b = new StringBuilder();
    b.append("  Cluster ")
        .append(config.clusterName())
        .append(": answered by ")
        .append(st.answeredBy())
        .append(", ZooKeeper connection ")
        .append(st.connection())
        .append(" (session ")
        .append(sessionText(st.session()))
        .append("), device-mapper ")
        .append(tables.kernel() ? "kernel" : "not available (tables recorded, not loaded)")
        .append('\n');
    if (st.registrationSession() != st.session()) {
      b.append("  nodes/")
          .append(st.answeredBy())
          .append(
              st.registrationSession() == 0
                  ? " is not registered now"
                  : " is still held by session "
                      + sessionText(st.registrationSession())
                      + " (a previous clvmd here; it and its activations go when ZooKeeper"
                      + " expires it)")
          .append('\n');
    }
    b.append("  Nodes (").append(st.nodes().size()).append("):\n");
    for (NodeInfo n : st.nodes()) {
      b.append(
          String.format(
              "    %-10s host %s pid %d clvmd %s since %s%n",
              n.node(), n.host(), n.pid(), n.version(), Instant.ofEpochMilli(n.started())));
    }
    b.append("  Global lock: ").append(lockText(st.globalLock())).append('\n');
    b.append("  Volume groups (").append(st.vgs().size()).append("):\n");
    for (VgStatus v : st.vgs()) {
      VolumeGroup vg = vgs.get(v.vgUuid());
      b.append(
          String.format(
              "    %-10s seqno %d (committed by %s)  lock: %s%n",
              vg == null ? v.vgUuid() : vg.name(), v.seqno(), v.committer(), lockText(v.lock())));
      Map<String, List<String>> byLv = new TreeMap<>();
      for (Activation a : v.active()) {
        byLv.computeIfAbsent(lvName(vg, a.lvUuid()), k -> new ArrayList<>())
            .add(a.node() + " (" + a.mode().code() + ")");
      }
      if (byLv.isEmpty()) {
        b.append("      no LV active on any node\n");
      }
      byLv.forEach(
          (lv, on) ->
              b.append("      ")
                  .append(lv)
                  .append(" active on ")
                  .append(String.join(", ", on))
                  .append('\n'));
      if (!v.applied().isEmpty()) {
        List<String> ap = new ArrayList<>();
        v.applied().forEach((n, s) -> ap.add(n + "=" + s));
        b.append("      applied seqno: ").append(String.join(" ", ap)).append('\n');
      }
    }
    if (!st.fencedHere().isEmpty()) {
      b.append("  FENCED on ")
          .append(st.answeredBy())
          .append(": ")
          .append(String.join(", ", st.fencedHere()))
          .append('\n');
    }
    return b.toString();
  }

  /** ZooKeeper's own spelling of a session id (as its logs and four-letter words print it). */
  private static String sessionText(long session) {
    return "0x" + Long.toHexString(session);
  }

  private static String lvName(VolumeGroup vg, String lvUuid) {
    if (vg == null) {
      return lvUuid;
    }
    return vg.lvs().stream()
        .filter(l -> l.id().dashed().equals(lvUuid))
        .map(l -> vg.name() + "/" + l.name())
        .findFirst()
        .orElse(lvUuid);
  }

  private static String lockText(LockView v) {
    if (v.current().isEmpty()) {
      return "free";
    }
    String s = "held by " + ClusterLocks.describe(v.current().get());
    return v.waiters().isEmpty() ? s : s + ", " + v.waiters().size() + " waiting";
  }

  @Override
  public void close() {}
}
