package io.clvm.engine;

import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MetadataBuffer;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.PvScan;
import java.util.List;
import java.util.Optional;

/**
 * How full a VG's metadata areas get: the largest copy an area can hold is {@link
 * MetadataBuffer#maxTextSize} (the same limit {@code MetadataCommitter} enforces while writing);
 * the smallest in-use area of the VG bounds the text. A text above {@link #WARN_PERCENT} % of it is
 * warned about; one that would not fit is refused before anything is written.
 */
public final class MetadataCapacity {
  /** Above this share of the largest copy, a commit warns. */
  public static final int WARN_PERCENT = 80;

  private MetadataCapacity() {}

  /** The smallest in-use area: where it is and the largest copy (with its NUL) it can hold. */
  public record Area(String device, int index, long maxCopy) {
    String name() {
      return "metadata area mda" + (index + 1) + " on " + device;
    }
  }

  /** The in-use area with the smallest capacity among {@code scans}, if any. */
  public static Optional<Area> smallest(List<PvScan> scans) {
    Area min = null;
    for (PvScan s : scans) {
      for (AreaScan a : s.areas()) {
        if (!a.inUse() || a.header().isEmpty()) {
          continue;
        }
        MdaHeader h = a.header().get();
        long max = MetadataBuffer.maxTextSize(h.size());
        if (min == null || max < min.maxCopy()) {
          min = new Area(s.device().name(), a.index(), max);
        }
      }
    }
    return Optional.ofNullable(min);
  }

  /**
   * Checks a text of {@code textBytes} bytes (without its NUL) for VG {@code vg}: returns the
   * warning to print, if any, and throws when it would not fit.
   */
  public static Optional<String> check(String vg, List<PvScan> scans, long textBytes)
      throws EngineException {
    Optional<Area> smallest = smallest(scans);
    if (smallest.isEmpty()) {
      return Optional.empty();
    }
    Area a = smallest.get();
    long needed = textBytes + 1;
    if (needed > a.maxCopy()) {
      throw new EngineException(
          String.format(
              "Cannot update volume group %s: metadata of %d bytes does not fit into %s (at most"
                  + " %d bytes). Add a PV with a larger metadata area (pvcreate --metadatasize,"
                  + " vgextend) and stop using this one (pvchange --metadataignore y %s), or"
                  + " remove LVs.",
              vg, needed, a.name(), a.maxCopy(), a.device()));
    }
    long percent = needed * 100 / a.maxCopy();
    if (percent >= WARN_PERCENT && needed * 100 > a.maxCopy() * WARN_PERCENT) {
      return Optional.of(
          String.format(
              "Volume group %s metadata is %d%% of the largest copy %s can hold (%d of %d"
                  + " bytes).",
              vg, percent, a.name(), needed, a.maxCopy()));
    }
    return Optional.empty();
  }
}
