package io.clvm.engine;

import io.clvm.format.model.LvmUuid;
import io.clvm.format.store.PvScan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One PV label seen on several devices. Two cases, told apart as lvm2 tells them:
 *
 * <ul>
 *   <li>one of them is a multipath map and the others are its paths: the map is used, the paths are
 *       dropped (they are normally not even scanned, see {@link MultipathComponents}; they are here
 *       only when named explicitly);
 *   <li>anything else (the same LUN through two paths without multipath, a copied disk): clvm
 *       cannot tell which device is the PV. Both are named with the PV UUID in a warning, the first
 *       one seen is used for reading, and every device of the PV is listed in {@link
 *       Result#unresolved} so that a command refuses to change or activate its VG.
 * </ul>
 */
public final class DuplicatePvs {
  private DuplicatePvs() {}

  /**
   * @param kept the scans to use, in their order, one per PV UUID
   * @param unresolved PV UUID (raw) → every device showing it, for the PVs clvm cannot decide on
   */
  public record Result(List<PvScan> kept, Map<String, List<String>> unresolved) {
    /** The refusal for a change to a VG with {@code pvUuids}, or empty when none is duplicated. */
    public Optional<String> refusal(String vgName, Iterable<String> pvUuids) {
      for (String u : pvUuids) {
        List<String> devs = unresolved.get(u);
        if (devs != null) {
          return Optional.of(
              "Cannot use VG "
                  + vgName
                  + ": PV "
                  + dashed(u)
                  + " is on several devices ("
                  + String.join(", ", devs)
                  + ") and clvm cannot tell which to use. Set up multipath over them, or"
                  + " restrict the scan to one with --devices.");
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Resolves duplicates among {@code scans}, warning on {@code console} about each ({@code null}:
   * silently, when the same devices are scanned again after a commit).
   */
  public static Result resolve(List<PvScan> scans, MultipathComponents mp, Console console) {
    Map<String, List<PvScan>> byUuid = new LinkedHashMap<>();
    for (PvScan s : scans) {
      s.pvUuid().ifPresent(u -> byUuid.computeIfAbsent(u, k -> new ArrayList<>()).add(s));
    }
    Set<PvScan> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<String, List<String>> unresolved = new LinkedHashMap<>();
    for (Map.Entry<String, List<PvScan>> e : byUuid.entrySet()) {
      List<PvScan> same = e.getValue();
      if (same.size() < 2) {
        continue;
      }
      String uuid = e.getKey();
      List<PvScan> maps = new ArrayList<>();
      for (PvScan s : same) {
        if (mp.isMultipathPath(s.device().name())) {
          maps.add(s);
        }
      }
      if (maps.size() == 1) {
        PvScan map = maps.get(0);
        Optional<String> mapName = mp.kernelName(map.device().name());
        boolean allPaths = true;
        for (PvScan s : same) {
          if (s != map && !mp.multipathHolderOfPath(s.device().name()).equals(mapName)) {
            allPaths = false;
          }
        }
        if (allPaths) {
          for (PvScan s : same) {
            if (s != map) {
              dropped.add(s);
              warn(
                  console,
                  "Not using device "
                      + s.device().name()
                      + " for PV "
                      + dashed(uuid)
                      + ": it is a path of multipath device "
                      + map.device().name()
                      + ".");
            }
          }
          continue;
        }
      }
      List<String> names = new ArrayList<>();
      for (PvScan s : same) {
        names.add(s.device().name());
      }
      unresolved.put(uuid, List.copyOf(names));
      for (PvScan s : same.subList(1, same.size())) {
        dropped.add(s);
      }
      warn(
          console,
          "PV "
              + dashed(uuid)
              + " is on several devices: "
              + String.join(", ", names)
              + ". clvm cannot tell which to use (the same LUN through several paths without"
              + " multipath, or a copied disk); reading from "
              + names.get(0)
              + ", and refusing to change or activate its VG.");
    }
    List<PvScan> kept = new ArrayList<>();
    for (PvScan s : scans) {
      if (!dropped.contains(s)) {
        kept.add(s);
      }
    }
    return new Result(List.copyOf(kept), Collections.unmodifiableMap(unresolved));
  }

  private static void warn(Console console, String message) {
    if (console != null) {
      console.warn(message);
    }
  }

  static String dashed(String rawUuid) {
    try {
      return new LvmUuid(rawUuid).dashed();
    } catch (RuntimeException e) {
      return rawUuid;
    }
  }
}
