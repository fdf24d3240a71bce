package io.clvm.engine;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import io.clvm.format.store.VgRead;
import io.clvm.format.store.VgReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scan of the candidate devices: labels, metadata areas and the VGs they hold. Devices stay
 * open until {@link #close}, so a command that writes afterwards writes to what it read.
 */
public final class Scan implements AutoCloseable {
  private final List<FileDevice> devices;
  private List<PvScan> scans;
  private final Map<String, VgState> cache = new HashMap<>();

  private Scan(
      List<FileDevice> devices,
      List<PvScan> scans,
      boolean writable,
      Console console,
      ParsedVgs parsed) {
    this.devices = devices;
    this.parsed = parsed;
    // One PV label on several devices: the paths of a multipath map are dropped for the map; any
    // other duplicate is reported naming the devices and the PV (see DuplicatePvs).
    this.duplicates = DuplicatePvs.resolve(scans, MultipathComponents.SYSTEM, console);
    this.scans = duplicates.kept();
    this.forWrite = writable;
    this.shared = null;
  }

  /** A read-only view of a {@link ScanCache} snapshot: its devices are closed, its VGs shared. */
  private Scan(Scan snapshot, Map<String, VgState> shared) {
    this.devices = List.of();
    this.parsed = snapshot.parsed;
    this.duplicates = snapshot.duplicates;
    this.scans = snapshot.scans;
    this.forWrite = false;
    this.shared = shared;
  }

  /**
   * integ: clvmd's group commit: what a command under the VG lock reads in place of the disks'
   * version (the pending version of a group, see {@link Coordinator#pendingVersion}); null: the
   * disks' version.
   */
  private java.util.function.UnaryOperator<VgState> pending;

  /** Reads go through {@code p} (clvmd's pending versions); set right after the scan. */
  Scan pending(java.util.function.UnaryOperator<VgState> p) {
    this.pending = p;
    return this;
  }

  /** Duplicate PVs clvm cannot decide on: a VG using one is refused for changes. */
  private final DuplicatePvs.Result duplicates;

  private final boolean forWrite;

  /** clvmd's parsed texts and models, shared by its commands; null: every text is parsed. */
  private final ParsedVgs parsed;

  /** Set by a commit: the devices are scanned again before the next read (see {@link #refresh}). */
  private boolean stale;

  /**
   * integ: VGs parsed by earlier reports of clvmd over the same, unchanged disks (see {@link
   * ScanCache}); null for an ordinary scan. Thread-safe: concurrent reports share it.
   */
  private final Map<String, VgState> shared;

  /** A view for one report of {@code snapshot}'s scan results, sharing parsed VGs. */
  static Scan view(Scan snapshot, Map<String, VgState> shared) {
    return new Scan(snapshot, shared);
  }

  /**
   * Opens and scans {@code paths}; devices that cannot be opened are skipped, as lvm2 skips them,
   * unless they were named explicitly ({@code explicit}), which is an error.
   */
  public static Scan of(List<String> paths, boolean writable, boolean explicit, Console console)
      throws EngineException {
    return of(paths, writable, explicit ? paths : List.of(), console);
  }

  /**
   * Opens and scans {@code paths}. Devices that cannot be opened are skipped, as lvm2 skips them; a
   * device that cannot be opened for writing is read only (a write to it then fails). Only devices
   * in {@code named} (given on the command line) are reported when missing.
   */
  public static Scan of(List<String> paths, boolean writable, List<String> named, Console console)
      throws EngineException {
    return of(paths, writable, named, console, null);
  }

  /**
   * {@link #of(List, boolean, List, Console)} with clvmd's {@code parsed} texts and models (null:
   * none): a text read before is not parsed again.
   */
  static Scan of(
      List<String> paths, boolean writable, List<String> named, Console console, ParsedVgs parsed)
      throws EngineException {
    List<FileDevice> open = new ArrayList<>();
    try {
      for (String p : paths) {
        boolean explicit = named.contains(p);
        try {
          open.add(openDevice(Path.of(p), writable));
        } catch (NoSuchFileException e) {
          if (explicit) {
            console.warn("Device " + p + " not found.");
          }
        } catch (IOException e) {
          if (explicit) {
            console.warn("Cannot open " + p + ": " + e.getMessage());
          }
        }
      }
      // Each device on its own: one that cannot be read (a LUN whose storage server is gone, a
      // failed disk) is reported by name and skipped, as lvm2 skips it, instead of failing the scan
      // of every other device with a bare "Input/output error".
      List<FileDevice> readable = new ArrayList<>();
      List<PvScan> found = new ArrayList<>();
      for (FileDevice d : open) {
        try {
          found.addAll(MetadataStore.scan(List.of(d), texts(parsed)));
          readable.add(d);
        } catch (MetadataException e) {
          throw e;
        } catch (IOException e) {
          console.warn("Error reading device " + d.name() + ": " + e.getMessage() + "; skipped.");
          closeAll(List.of(d));
        }
      }
      open = readable;
      return new Scan(open, found, writable, console, parsed);
    } catch (IOException e) {
      closeAll(open);
      throw new EngineException("Scanning devices failed: " + e.getMessage(), e);
    }
  }

  private static io.clvm.format.store.ParsedTexts texts(ParsedVgs parsed) {
    return parsed == null ? null : parsed.texts();
  }

  private static FileDevice openDevice(Path p, boolean writable) throws IOException {
    if (!writable) {
      return FileDevice.openReadOnly(p);
    }
    try {
      return FileDevice.openReadWrite(p);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      return FileDevice.openReadOnly(p);
    }
  }

  public List<FileDevice> devices() {
    return devices;
  }

  public List<PvScan> scans() {
    if (stale) {
      try {
        rescanIfStale();
      } catch (EngineException e) {
        throw new java.io.UncheckedIOException(
            new IOException(e.getMessage(), e.getCause())); // as rare as a failing disk
      }
    }
    return scans;
  }

  /** The VG names found, sorted as lvm2 lists them. */
  public List<String> vgNames() {
    List<String> names = new ArrayList<>(VgReader.vgNames(scans()));
    names.sort(null);
    return names;
  }

  /** The scan of the device at {@code path}, or null when it was not scanned. */
  public PvScan scanOf(String path) {
    for (PvScan s : scans()) {
      if (s.device().name().equals(path)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Which VGs this host may see: those without a system ID or with this host's ({@code localId},
   * null when unknown); others are lvm2's "foreign" VGs, skipped by listings and refused by {@link
   * #read} unless {@code allowForeign} (reports' {@code --foreign}).
   */
  public Scan foreign(String localId, boolean allowForeign) {
    this.localSystemId = localId;
    this.allowForeign = allowForeign;
    return this;
  }

  private String localSystemId;
  private boolean allowForeign;

  /** This host's system ID, null when unknown. */
  public String localSystemId() {
    return localSystemId;
  }

  /** True when {@code vg} has a system ID other than this host's. */
  public boolean isForeign(io.clvm.format.model.VolumeGroup vg) {
    String id = vg.systemId();
    return id != null && !id.isEmpty() && !id.equals(localSystemId);
  }

  /** lvm2's refusal of a foreign VG. */
  ForeignVgException foreignRefusal(io.clvm.format.model.VolumeGroup vg) {
    String msg =
        "Cannot access VG "
            + vg.name()
            + " with system ID "
            + vg.systemId()
            + (localSystemId == null
                ? " with unknown local system ID."
                : " with local system ID " + localSystemId + ".");
    // lvm2 says it twice when the local system ID is unknown (once when it reads the VG, once
    // when it refuses it).
    return new ForeignVgException(localSystemId == null ? msg + "\n" + msg : msg);
  }

  /**
   * The VG names a command without VG arguments goes through: {@link #vgNames()} without the
   * foreign VGs (unless allowed), each skipped one named as lvm2 names it when this host's system
   * ID is unknown (with a known one, lvm2 skips them silently).
   */
  public List<String> visibleVgNames(Console console) {
    List<String> out = new ArrayList<>();
    for (String name : vgNames()) {
      VgState st;
      try {
        st = readAny(name, console);
      } catch (EngineException e) {
        out.add(name); // the command reports the failure itself
        continue;
      }
      if (allowForeign || !isForeign(st.vg())) {
        out.add(name);
      } else if (localSystemId == null) {
        String msg = foreignRefusal(st.vg()).getMessage();
        console.error(msg.substring(0, msg.indexOf('\n')));
      }
    }
    return out;
  }

  /**
   * Reads a VG; a foreign one is refused (see {@link #foreign}).
   *
   * @throws EngineException "Volume group "x" not found" as lvm2 says it
   */
  public VgState read(String vgName, Console console) throws EngineException {
    VgState st = readAny(vgName, console);
    if (!allowForeign && isForeign(st.vg())) {
      throw foreignRefusal(st.vg());
    }
    return st;
  }

  /** Reads a VG, foreign or not. */
  VgState readAny(String vgName, Console console) throws EngineException {
    rescanIfStale();
    VgState cached = cache.get(vgName);
    if (cached != null) {
      return cached;
    }
    VgState earlier = shared == null ? null : shared.get(vgName);
    if (earlier != null) {
      // Parsed by an earlier report: this command still says what lvm2 would say reading it.
      for (MetadataException p : earlier.read().problems()) {
        console.warn(p.getMessage());
      }
      cache.put(vgName, earlier);
      return earlier;
    }
    if (!vgNames().contains(vgName)) {
      throw new EngineException("Volume group \"" + vgName + "\" not found");
    }
    VgRead read;
    try {
      read = VgReader.read(vgName, scans());
    } catch (MetadataException e) {
      throw new EngineException("Volume group \"" + vgName + "\" not found: " + e.getMessage());
    }
    for (MetadataException p : read.problems()) {
      console.warn(p.getMessage());
    }
    if (forWrite) {
      java.util.Optional<String> refusal = duplicates.refusal(vgName, read.current().pvIds());
      if (refusal.isPresent()) {
        throw new EngineException(refusal.get());
      }
    }
    VgMetadata metadata;
    try {
      byte[] text = read.text();
      io.clvm.format.text.ConfigSection tree = read.current().tree();
      metadata =
          parsed == null
              ? MetadataText.parse(
                  text, 0, text.length, read.current().device(), read.current().textOffset(), tree)
              : parsed.model(text, read.current().device(), read.current().textOffset(), tree);
    } catch (MetadataException e) {
      throw new EngineException("Cannot process volume group " + vgName + ": " + e.getMessage());
    }
    Map<String, PvScan> byPv = new LinkedHashMap<>();
    for (PvScan s : read.pvs()) {
      s.pvUuid().ifPresent(u -> byPv.put(u, s));
    }
    VgState state = new VgState(metadata, read, byPv);
    if (pending != null) {
      state = pending.apply(state);
    }
    cache.put(vgName, state);
    if (shared != null) {
      shared.put(vgName, state);
    }
    return state;
  }

  /** Labelled devices that no VG's metadata lists: lvm2's orphan PVs. */
  public List<PvScan> orphans(Console console) throws EngineException {
    Set<String> inVg = new HashSet<>();
    for (String name : vgNames()) {
      try {
        readAny(name, console).read().current().pvIds().forEach(inVg::add);
      } catch (EngineException e) {
        console.warn(e.getMessage());
      }
    }
    List<PvScan> out = new ArrayList<>();
    for (PvScan s : scans()) {
      if (s.label().isPresent() && !inVg.contains(s.pvUuid().orElse(""))) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Forgets every VG read so far (after a commit); the devices are scanned again before the next
   * read. Lazily: most commands read nothing after their commit, and the rescan was a full read of
   * every device's metadata under the VG lock.
   */
  public void refresh() throws EngineException {
    cache.clear();
    stale = true;
  }

  private void rescanIfStale() throws EngineException {
    if (!stale) {
      return;
    }
    try {
      scans =
          DuplicatePvs.resolve(
                  MetadataStore.scan(devices, texts(parsed)), MultipathComponents.SYSTEM, null)
              .kept();
      stale = false;
    } catch (IOException e) {
      throw new EngineException("Scanning devices failed: " + e.getMessage(), e);
    }
  }

  /** Same as {@link #refresh}: a VG changed. */
  public void forget(String vgName) throws EngineException {
    refresh();
  }

  @Override
  public void close() {
    closeAll(devices);
  }

  private static void closeAll(List<FileDevice> list) {
    for (FileDevice d : list) {
      try {
        d.close();
      } catch (IOException e) {
        // closing a read-only descriptor cannot lose data
      }
    }
  }
}
