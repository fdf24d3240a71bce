package io.clvm.format.model;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LV sections of the VGs printed last, so that printing the next version of a VG prints only
 * the LVs that changed: a commit of a 10,000-LV VG prints it three times (the on-disk text, the
 * archive and the backup file) and each print formatted every LV again (20–60 ms), for one new LV.
 *
 * <p>Keyed by the LV's identity: a {@link LogicalVolume} is immutable (a record of immutable
 * lists), so the same object always prints the same section — given what else its section depends
 * on, the {@link Context}: the flavour, the comments' time zone, the VG's write lock (WRITE vs
 * WRITE_LOCKED), its extent size (size comments) and the order of its PVs (a stripe names its PV as
 * {@code pvN}). A print under another context uses none of the kept sections.
 *
 * <p>Per VG and flavour only the sections of the last print are kept (those of LVs no longer in the
 * VG go with it), for the last {@link #VGS} VGs printed. Thread-safe: a print reads one published
 * map and publishes a new one.
 */
final class PrintedLvs {
  /** VG × flavour × zone combinations kept. */
  static final int VGS = 8;

  /** Everything an LV section depends on besides the LV. */
  record Context(
      boolean file, ZoneId zone, boolean writeLocked, long extentSize, List<LvmUuid> pvs) {}

  private record Key(LvmUuid vg, boolean file, ZoneId zone) {}

  private record Printed(Context context, Map<LogicalVolume, String> sections) {}

  private static final Map<Key, Printed> LAST =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Printed> eldest) {
          return size() > VGS;
        }
      };

  private static long reused;

  private PrintedLvs() {}

  /** The context of {@code vg}'s LV sections in the given flavour and zone. */
  static Context context(VolumeGroup vg, boolean file, ZoneId zone) {
    List<LvmUuid> pvs = new ArrayList<>(vg.pvs().size());
    for (PhysicalVolume pv : vg.pvs()) {
      pvs.add(pv.id());
    }
    return new Context(file, zone, vg.writeLocked(), vg.extentSize(), pvs);
  }

  /** The sections of {@code vg}'s last print under {@code c}, empty if none or another context. */
  static synchronized Map<LogicalVolume, String> last(VolumeGroup vg, Context c) {
    Printed p = LAST.get(new Key(vg.id(), c.file(), c.zone()));
    return p != null && p.context().equals(c) ? p.sections() : Map.of();
  }

  /** Publishes the sections of a print of {@code vg} under {@code c}. */
  static synchronized void remember(
      VolumeGroup vg, Context c, IdentityHashMap<LogicalVolume, String> sections, int reusedNow) {
    LAST.put(new Key(vg.id(), c.file(), c.zone()), new Printed(c, sections));
    reused += reusedNow;
  }

  /** Sections taken from an earlier print, in all (tests: the memo is used). */
  static synchronized long reused() {
    return reused;
  }

  /** Forgets every kept section (tests). */
  static synchronized void clear() {
    LAST.clear();
  }
}
