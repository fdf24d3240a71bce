package io.clvm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * clvmd's metadata cache for reports (lvs, vgs, pvs): the last full scan of the devices and every
 * VG parsed from it, reused as long as the devices' {@link DiskFingerprint} is unchanged.
 * Validating costs one label read and one 512-byte header read per metadata area; a commit by any
 * node (or by lvm2) moves some area's committed slot, so the next report rescans and reparses. lvm2
 * instead reads and parses every metadata text on every command.
 *
 * <p>Only clean scans are kept: if the full scan warned about anything (an unreadable device,
 * duplicate PVs), the report gets that scan uncached and the warnings, as it would without a cache.
 * One instance per daemon, shared by concurrent commands.
 */
public final class ScanCache {
  /** A kept scan: for which device list, its fingerprint, the scan and the VGs parsed so far. */
  private record Snapshot(
      List<String> paths,
      List<String> named,
      DiskFingerprint fingerprint,
      Scan scan,
      Map<String, VgState> vgs) {}

  private volatile Snapshot snapshot;
  private final ParsedVgs parsed;

  /** A cache whose scans parse every text they read. */
  public ScanCache() {
    this(null);
  }

  /** A cache whose scans take texts and models parsed before from {@code parsed} (null: none). */
  public ScanCache(ParsedVgs parsed) {
    this.parsed = parsed;
  }

  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /** Reports served from the kept scan. */
  public long hits() {
    return hits.get();
  }

  /** Reports that scanned the devices. */
  public long misses() {
    return misses.get();
  }

  /**
   * A scan for one report of {@code paths} ({@code named}: those given explicitly, as for {@link
   * Scan#of(List, boolean, List, Console)}): the kept one if the disks are unchanged, else a fresh
   * one (kept for the next report when clean).
   */
  Scan reportScan(List<String> paths, List<String> named, Console console) throws EngineException {
    Optional<DiskFingerprint> now = DiskFingerprint.read(paths);
    Snapshot s = snapshot;
    if (now.isPresent()
        && s != null
        && s.paths().equals(paths)
        && s.named().equals(named)
        && s.fingerprint().equals(now.get())) {
      hits.incrementAndGet();
      return Scan.view(s.scan(), s.vgs());
    }
    misses.incrementAndGet();
    Recording recording = new Recording();
    Scan fresh = Scan.of(paths, false, named, recording, parsed);
    boolean clean = recording.messages.isEmpty() && fresh.devices().size() == paths.size();
    // Kept only if the disks did not change during the scan (same fingerprint before and after):
    // else the fingerprint could pair with other metadata than the scan read. A change after the
    // scan moves the disks away from the kept fingerprint, so the next report rescans.
    Optional<DiskFingerprint> after = clean ? DiskFingerprint.read(paths) : Optional.empty();
    if (now.isEmpty() || !now.equals(after)) {
      recording.replay(console);
      return fresh;
    }
    fresh.close(); // the snapshot keeps what was read: names, sizes, labels, texts
    Snapshot kept =
        new Snapshot(
            List.copyOf(paths), List.copyOf(named), now.get(), fresh, new ConcurrentHashMap<>());
    snapshot = kept;
    return Scan.view(kept.scan(), kept.vgs());
  }

  /** Forgets the kept scan (tests; a daemon never needs to: the fingerprint decides). */
  public void clear() {
    snapshot = null;
  }

  /** A console that keeps what a scan says, to replay it to the command's console. */
  private static final class Recording implements Console {
    private final List<String[]> messages = new ArrayList<>();

    @Override
    public void print(String message) {
      messages.add(new String[] {"print", message});
    }

    @Override
    public void report(String text) {
      messages.add(new String[] {"report", text});
    }

    @Override
    public void warn(String message) {
      messages.add(new String[] {"warn", message});
    }

    @Override
    public void error(String message) {
      messages.add(new String[] {"error", message});
    }

    @Override
    public boolean confirm(String question) {
      return false;
    }

    void replay(Console to) {
      for (String[] m : messages) {
        switch (m[0]) {
          case "print" -> to.print(m[1]);
          case "report" -> to.report(m[1]);
          case "warn" -> to.warn(m[1]);
          default -> to.error(m[1]);
        }
      }
    }
  }
}
