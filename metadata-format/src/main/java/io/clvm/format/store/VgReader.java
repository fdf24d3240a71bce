package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import io.clvm.format.disk.PvHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Chooses a VG's current metadata among the copies found by a scan, as lvm2 does. */
public final class VgReader {
  private VgReader() {}

  /** The names of the VGs that have at least one good copy, in scan order. */
  public static List<String> vgNames(List<PvScan> scans) {
    Set<String> names = new LinkedHashSet<>();
    for (PvScan s : scans) {
      for (AreaScan a : s.areas()) {
        a.copy().ifPresent(c -> names.add(c.vgName()));
      }
    }
    return List.copyOf(names);
  }

  /**
   * Reads a VG: the highest seqno wins; lower ones are stale; equal seqnos with other text are
   * mismatches.
   *
   * @throws MetadataException of kind MISSING when no good copy names this VG
   */
  public static VgRead read(String vgName, List<PvScan> scans) throws MetadataException {
    return read(scans, c -> c.vgName().equals(vgName), "VG '" + vgName + "'");
  }

  /** Reads a VG by its UUID (dashed or raw), which survives renames; otherwise as {@link #read}. */
  public static VgRead readByUuid(String vgUuid, List<PvScan> scans) throws MetadataException {
    String raw = vgUuid.replace("-", "");
    return read(
        scans, c -> c.vgId().replace("-", "").equals(raw), "VG with UUID " + PvHeader.dashed(raw));
  }

  private static VgRead read(List<PvScan> scans, Predicate<MetadataCopy> ofVg, String what)
      throws MetadataException {
    List<MetadataCopy> copies = new ArrayList<>();
    for (PvScan s : scans) {
      for (AreaScan a : s.areas()) {
        a.copy().filter(ofVg).ifPresent(copies::add);
      }
    }
    if (copies.isEmpty()) {
      MetadataException first =
          scans.stream().flatMap(s -> s.problems().stream()).findFirst().orElse(null);
      throw new MetadataException(
          Kind.MISSING,
          null,
          MetadataException.UNKNOWN_OFFSET,
          "volume group",
          "no good metadata copy of "
              + what
              + " on "
              + scans.size()
              + " device(s)"
              + (first == null ? "" : "; first problem: " + first.getMessage()),
          first);
    }
    MetadataCopy current = copies.get(0);
    for (MetadataCopy c : copies) {
      if (c.seqno() > current.seqno()) {
        current = c;
      }
    }
    List<MetadataException> problems = new ArrayList<>();
    List<MetadataCopy> stale = new ArrayList<>();
    List<MetadataCopy> mismatched = new ArrayList<>();
    for (MetadataCopy c : copies) {
      if (c.seqno() < current.seqno()) {
        stale.add(c);
        problems.add(
            DeviceScanner.inconsistent(
                c,
                "stale copy in "
                    + c.mdaName()
                    + ": seqno "
                    + c.seqno()
                    + " is older than seqno "
                    + current.seqno()
                    + " on "
                    + current.device()));
      } else if (c != current && !c.sameContent(current)) {
        mismatched.add(c);
        problems.add(
            DeviceScanner.inconsistent(
                c,
                String.format(
                    "mismatched copy in %s: seqno %d has size %d crc 0x%08x here but size %d crc"
                        + " 0x%08x on %s %s",
                    c.mdaName(),
                    c.seqno(),
                    c.size(),
                    c.checksum(),
                    current.size(),
                    current.checksum(),
                    current.device(),
                    current.mdaName())));
      }
    }
    Map<String, PvScan> byUuid = new HashMap<>();
    for (PvScan s : scans) {
      if (s.pvUuid().isEmpty()) {
        continue;
      }
      PvScan prev = byUuid.putIfAbsent(s.pvUuid().get(), s);
      if (prev != null && current.pvIds().contains(s.pvUuid().get())) {
        problems.add(
            new MetadataException(
                Kind.INCONSISTENT,
                s.device().name(),
                s.label().get().byteOffset(),
                "pv_header",
                "duplicate PV UUID "
                    + PvHeader.dashed(s.pvUuid().get())
                    + ", also on "
                    + prev.device().name()));
      }
    }
    List<PvScan> pvs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String id : current.pvIds()) {
      PvScan s = byUuid.get(id);
      if (s == null) {
        missing.add(id);
        problems.add(
            new MetadataException(
                Kind.MISSING,
                null,
                MetadataException.UNKNOWN_OFFSET,
                "volume group",
                "PV " + PvHeader.dashed(id) + " of VG '" + current.vgName() + "' not found"));
      } else {
        pvs.add(s);
        problems.addAll(s.problems());
      }
    }
    return new VgRead(current, copies, stale, mismatched, pvs, missing, problems);
  }
}
