package io.clvm.engine;

import io.clvm.engine.units.SizeArg;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.Label;
import io.clvm.format.disk.PvFormatOptions;
import io.clvm.format.disk.PvFormatter;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.Names;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.PvFlag;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** pvcreate, pvremove, pvchange, pvresize. */
public final class PvOps {
  private final Engine engine;
  private final Console console;
  private PvResizer.Hook resizeHook = PvResizer.Hook.NONE;

  public PvOps(Engine engine) {
    this.engine = engine;
    this.console = engine.console();
  }

  /** Tests: pvresize stops where {@code hook} throws, as a crash would. */
  PvOps withResizeHook(PvResizer.Hook hook) {
    this.resizeHook = hook;
    return this;
  }

  /** pvcreate's (and vgcreate's, vgextend's) formatting options. */
  public record Format(
      SizeArg metadataSize,
      Integer metadataCopies,
      SizeArg dataAlignment,
      Boolean metadataIgnore,
      SizeArg bootloaderAreaSize,
      String uuid) {
    /** lvm2's defaults. */
    public static Format defaults() {
      return new Format(null, null, null, null, null, null);
    }

    PvFormatOptions options() throws EngineException {
      String id = uuid == null ? LvmUuid.random().raw() : uuid.replace("-", "");
      try {
        PvFormatOptions o = PvFormatOptions.defaults(id);
        if (metadataSize != null) {
          o = o.withMetadataSize(metadataSize.bytes());
        }
        if (metadataCopies != null) {
          o = o.withMetadataCopies(metadataCopies);
        }
        if (dataAlignment != null) {
          o = o.withDataAlignment(dataAlignment.bytes());
        }
        if (bootloaderAreaSize != null) {
          o = o.withBootloaderAreaSize(bootloaderAreaSize.bytes());
        }
        if (metadataIgnore != null) {
          o = o.withMetadataIgnore(metadataIgnore);
        }
        return o;
      } catch (IllegalArgumentException e) {
        throw new EngineException(e.getMessage(), EngineException.INVALID);
      }
    }
  }

  /** pvcreate. */
  public int create(List<String> pvs, Format format, int force) throws EngineException {
    if (format.uuid() != null && pvs.size() > 1) {
      throw new EngineException("Can only set uuid on one volume at once", EngineException.INVALID);
    }
    int status = 0;
    try (VgLock lock = engine.lockOrphans();
        Scan scan = engine.scan(true, pvs)) {
      for (String pv : pvs) {
        try {
          format(scan, pv, format, force);
          console.print("Physical volume \"" + pv + "\" successfully created.");
        } catch (EngineException e) {
          console.error(e.getMessage());
          console.error(pv + ": physical volume not initialized.");
          status = EngineException.FAILED;
        }
      }
    }
    return status;
  }

  /** Writes a PV label on {@code path}; refuses a PV of a VG (lvm2 asks for -ff and a yes). */
  Label format(Scan scan, String path, Format format, int force) throws EngineException {
    PvScan s = scan.scanOf(path);
    if (s == null) {
      throw new EngineException("Cannot use " + path + ": device not found");
    }
    Optional<String> vg = vgOf(scan, s);
    if (vg.isPresent()) {
      if (force < 2) {
        throw new EngineException(
            "Can't initialize physical volume \""
                + path
                + "\" of volume group \""
                + vg.get()
                + "\" without -ff");
      }
      if (!console.confirm(
          "Really INITIALIZE physical volume \""
              + path
              + "\" of volume group \""
              + vg.get()
              + "\"?")) {
        throw new EngineException("Physical volume \"" + path + "\" not initialized.");
      }
      console.warn(
          "Forcing physical volume creation on " + path + " of volume group \"" + vg.get() + "\"");
    }
    if (engine.test()) {
      return null;
    }
    try {
      Label l = PvFormatter.format(s.device(), format.options());
      s.device().flush();
      scan.refresh();
      return l;
    } catch (IOException | IllegalArgumentException e) {
      throw new EngineException(
          "Failed to write physical volume \"" + path + "\": " + e.getMessage());
    }
  }

  /** The VG whose metadata lists the PV on {@code s}, if any. */
  static Optional<String> vgOf(Scan scan, PvScan s) {
    String id = s.pvUuid().orElse(null);
    if (id == null) {
      return Optional.empty();
    }
    for (String name : scan.vgNames()) {
      for (PvScan other : scan.scans()) {
        for (var area : other.areas()) {
          if (area.copy().isPresent()
              && area.copy().get().vgName().equals(name)
              && area.copy().get().pvIds().contains(id)) {
            return Optional.of(name);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** pvremove. */
  public int remove(List<String> pvs, int force) throws EngineException {
    int status = 0;
    try (VgLock lock = engine.lockOrphans();
        Scan scan = engine.scan(true, pvs)) {
      for (String pv : pvs) {
        PvScan s = scan.scanOf(pv);
        if (s == null || s.label().isEmpty()) {
          console.error("No PV found on device " + pv + ".");
          status = EngineException.FAILED;
          continue;
        }
        Optional<String> vg = vgOf(scan, s);
        if (vg.isPresent() && force < 2) {
          console.error(
              "PV " + pv + " is used by VG " + vg.get() + " so please use vgreduce first.");
          console.error(
              "(If you are certain you need pvremove, then confirm by using --force twice.)");
          status = EngineException.FAILED;
          continue;
        }
        if (vg.isPresent()
            && !console.confirm(
                "Really WIPE LABELS from physical volume \""
                    + pv
                    + "\" of volume group \""
                    + vg.get()
                    + "\"?")) {
          status = EngineException.FAILED;
          continue;
        }
        if (!engine.test()) {
          try {
            wipeLabel(s.device(), s.label().get());
          } catch (IOException e) {
            console.error("Failed to wipe label on " + pv + ": " + e.getMessage());
            status = EngineException.FAILED;
            continue;
          }
        }
        console.print("Labels on physical volume \"" + pv + "\" successfully wiped.");
      }
    }
    return status;
  }

  private static void wipeLabel(DiskDevice dev, Label label) throws IOException {
    dev.write(label.byteOffset(), new byte[512]);
    dev.flush();
  }

  /** pvchange's arguments. */
  public record Change(
      List<String> pvs,
      boolean all,
      Boolean allocatable,
      List<String> addTags,
      List<String> delTags,
      Boolean metadataIgnore,
      boolean uuid) {}

  /** pvchange: -x, tags (metadata of the PV's VG). */
  public int change(Change c) throws EngineException {
    if (c.uuid()) {
      return changeUuid(c);
    }
    if (c.allocatable() == null
        && c.addTags().isEmpty()
        && c.delTags().isEmpty()
        && c.metadataIgnore() == null) {
      throw new EngineException(
          "Please give one or more of -x, -uuid, --addtag, --deltag or --metadataignore",
          EngineException.INVALID);
    }
    List<String> named = c.pvs();
    if (named.isEmpty() && !c.all()) {
      throw new EngineException(
          "Please give a physical volume path or use --all", EngineException.INVALID);
    }
    int changed = 0;
    int notChanged = 0;
    try (Scan probe = engine.scan(false, named)) {
      List<String[]> todo = new ArrayList<>();
      for (String vg : probe.vgNames()) {
        VgState st = probe.read(vg, console);
        for (PhysicalVolume pv : st.vg().pvs()) {
          String dev = st.deviceName(pv);
          if (c.all() || named.contains(dev)) {
            todo.add(new String[] {vg, dev});
          }
        }
      }
      for (String n : named) {
        if (todo.stream().noneMatch(t -> t[1].equals(n))) {
          console.error("Failed to find physical volume \"" + n + "\".");
          notChanged++;
        }
      }
      for (String[] t : todo) {
        try (VgLock lock = engine.lockVg(t[0]);
            Scan scan = engine.scan(true, named)) {
          VgState st = engine.readForWrite(scan, t[0]);
          VolumeGroup vg = st.vg();
          PhysicalVolume pv =
              vg.pvs().stream()
                  .filter(p -> st.deviceName(p).equals(t[1]))
                  .findFirst()
                  .orElseThrow();
          PhysicalVolume next = pv;
          if (c.allocatable() != null) {
            Set<PvFlag> flags = EnumSet.noneOf(PvFlag.class);
            flags.addAll(pv.flags());
            if (c.allocatable()) {
              flags.add(PvFlag.ALLOCATABLE);
            } else {
              flags.remove(PvFlag.ALLOCATABLE);
            }
            next = next.withFlags(flags);
          }
          if (!c.addTags().isEmpty() || !c.delTags().isEmpty()) {
            Set<String> tags = new LinkedHashSet<>(pv.tags());
            for (String tag : c.addTags()) {
              Optional<String> bad = Names.checkTag(tag);
              if (bad.isPresent()) {
                throw new EngineException(bad.get(), EngineException.INVALID);
              }
              tags.add(tag);
            }
            tags.removeAll(c.delTags());
            next = next.withTags(new ArrayList<>(tags));
          }
          if (c.metadataIgnore() != null) {
            if (!metadataIgnore(scan, st, pv, t[1], c.metadataIgnore())) {
              notChanged++;
              continue;
            }
            if (!c.metadataIgnore()) {
              // The areas take part again: the VG is committed to them from a fresh scan.
              try (Scan again = engine.scan(true, named)) {
                VgState st2 = engine.readForWrite(again, t[0]);
                PhysicalVolume pv2 =
                    st2.vg().pvs().stream()
                        .filter(p -> st2.deviceName(p).equals(t[1]))
                        .findFirst()
                        .orElseThrow();
                PhysicalVolume n2 = pv2.withFlags(next.flags()).withTags(next.tags());
                engine.commit(again, st2, st2.vg().withPv(n2));
              }
              console.print("Physical volume \"" + t[1] + "\" changed");
              changed++;
              continue;
            }
          }
          engine.commit(scan, st, vg.withPv(next));
          if (Boolean.TRUE.equals(c.metadataIgnore())) {
            setIgnored(st.scan(pv), true);
          }
          console.print("Physical volume \"" + t[1] + "\" changed");
          changed++;
        }
      }
    }
    console.print(
        changed
            + " physical volume"
            + (changed == 1 ? "" : "s")
            + " changed / "
            + notChanged
            + " physical volume"
            + (notChanged == 1 ? "" : "s")
            + " not changed");
    return notChanged > 0 ? EngineException.FAILED : 0;
  }

  /** pvresize: the PV takes the device's (or the given) size. */
  public int resize(List<String> pvs, SizeArg size) throws EngineException {
    int resized = 0;
    int failed = 0;
    for (String path : pvs) {
      try (Scan probe = engine.scan(false, List.of(path))) {
        PvScan s = probe.scanOf(path);
        Optional<String> vgName = s == null ? Optional.empty() : vgOf(probe, s);
        if (vgName.isEmpty()) {
          if (resizeOrphan(path, size)) {
            resized++;
          } else {
            failed++;
          }
          continue;
        }
        try (VgLock lock = engine.lockVg(vgName.get());
            Scan scan = engine.scan(true, List.of(path))) {
          VgState st = engine.readForWrite(scan, vgName.get());
          PvScan ps = scan.scanOf(path);
          PhysicalVolume pv =
              st.vg().pvs().stream()
                  .filter(p -> st.deviceName(p).equals(path))
                  .findFirst()
                  .orElseThrow();
          long real = ps.device().size() / 512;
          long devSize = size != null ? size.bytes() / 512 : real;
          if (size != null && !confirmSize(path, devSize, real)) {
            console.error("Physical Volume " + path + " not resized.");
            failed++;
            continue;
          }
          try {
            new PvResizer(engine, resizeHook).resize(scan, st, pv, path, devSize);
          } catch (EngineException e) {
            console.error(e.getMessage());
            failed++;
            continue;
          }
          console.print("Physical volume \"" + path + "\" changed");
          resized++;
        }
      }
    }
    console.print(
        resized
            + " physical volume(s) resized or updated / "
            + failed
            + " physical volume(s) not resized");
    return failed > 0 ? EngineException.FAILED : 0;
  }

  /** pvresize of a PV of no VG, under the orphan lock; false (said) when it failed. */
  private boolean resizeOrphan(String path, SizeArg size) throws EngineException {
    try (VgLock lock = engine.lockOrphans();
        Scan scan = engine.scan(true, List.of(path))) {
      PvScan ps = scan.scanOf(path);
      if (ps == null || ps.label().isEmpty() || vgOf(scan, ps).isPresent()) {
        console.error("Failed to find physical volume \"" + path + "\".");
        return false;
      }
      long real = ps.device().size() / 512;
      long sectors = size != null ? size.bytes() / 512 : real;
      if (size != null && !confirmSize(path, sectors, real)) {
        console.error("Physical Volume " + path + " not resized.");
        return false;
      }
      try {
        new PvResizer(engine, resizeHook).resizeOrphan(ps, path, sectors);
      } catch (EngineException e) {
        console.error(e.getMessage());
        return false;
      }
      console.print("Physical volume \"" + path + "\" changed");
      return true;
    }
  }

  /**
   * lvm2's questions and warnings when {@code --setphysicalvolumesize} differs from the device's
   * real size (both in sectors); false when the user says no.
   */
  private boolean confirmSize(String path, long size, long real) {
    String asked = Sizes.human(size * 512);
    String actual = Sizes.human(real * 512);
    if (size > real) {
      console.warn(path + ": Overriding real size " + actual + ". You could lose data.");
      if (!console.confirm(
          path + ": Requested size " + asked + " exceeds real size " + actual + ". Proceed? ")) {
        return false;
      }
    } else if (size < real
        && !console.confirm(
            path
                + ": Requested size "
                + asked
                + " is less than real size "
                + actual
                + ". Proceed? ")) {
      return false;
    }
    if (size != real) {
      console.warn(path + ": Pretending size is " + size + " not " + real + " sectors.");
    }
    return true;
  }

  /**
   * pvchange -u: each PV gets a new random UUID, as lvm2 gives it: written into its label, and into
   * its VG's metadata (one commit, the next seqno) when it belongs to a VG. The label is written
   * first, then the metadata; the VG's other PVs and every segment keep pointing at the PV, which
   * the metadata names by its key ({@code pv0}), not by its UUID.
   */
  private int changeUuid(Change c) throws EngineException {
    List<String> named = c.pvs();
    if (named.isEmpty() && !c.all()) {
      throw new EngineException(
          "Please give a physical volume path or use --all", EngineException.INVALID);
    }
    int changed = 0;
    int notChanged = 0;
    List<String[]> todo = new ArrayList<>();
    try (Scan probe = engine.scan(false, named)) {
      for (String vg : probe.visibleVgNames(console)) {
        VgState st = probe.read(vg, console);
        for (PhysicalVolume pv : st.vg().pvs()) {
          String dev = st.deviceName(pv);
          if (c.all() || named.contains(dev)) {
            todo.add(new String[] {vg, dev});
          }
        }
      }
      for (PvScan o : probe.orphans(console)) {
        String dev = o.device().name();
        if (c.all() || named.contains(dev)) {
          todo.add(new String[] {null, dev});
        }
      }
      for (String n : named) {
        if (todo.stream().noneMatch(t -> t[1].equals(n))) {
          console.error("Failed to find physical volume \"" + n + "\".");
          notChanged++;
        }
      }
    }
    for (String[] t : todo) {
      LvmUuid fresh = LvmUuid.random();
      if (t[0] == null) {
        try (VgLock lock = engine.lockOrphans();
            Scan scan = engine.scan(true, List.of(t[1]))) {
          PvScan s = scan.scanOf(t[1]);
          if (s == null || s.label().isEmpty() || !scan.orphans(console).contains(s)) {
            console.error("Failed to find physical volume \"" + t[1] + "\".");
            notChanged++;
            continue;
          }
          if (!engine.test()) {
            writeLabelUuid(s, fresh);
          }
        }
      } else {
        try (VgLock lock = engine.lockVg(t[0]);
            Scan scan = engine.scan(true, named)) {
          VgState st = engine.readForWrite(scan, t[0]);
          PhysicalVolume pv =
              st.vg().pvs().stream()
                  .filter(p -> st.deviceName(p).equals(t[1]))
                  .findFirst()
                  .orElseThrow();
          PvScan s = st.scan(pv);
          if (s == null || s.label().isEmpty()) {
            console.error("Failed to find physical volume \"" + t[1] + "\".");
            notChanged++;
            continue;
          }
          VolumeGroup next = withPvUuid(st, pv, fresh);
          if (!engine.test()) {
            writeLabelUuid(s, fresh);
            scan.refresh();
          }
          engine.commit(scan, st, next);
        }
      }
      console.print("Physical volume \"" + t[1] + "\" changed");
      changed++;
    }
    console.print(
        changed
            + " physical volume"
            + (changed == 1 ? "" : "s")
            + " changed / "
            + notChanged
            + " physical volume"
            + (notChanged == 1 ? "" : "s")
            + " not changed");
    return notChanged > 0 ? EngineException.FAILED : 0;
  }

  /**
   * The VG with {@code pv}'s UUID replaced: its text, where the UUID appears once (as the PV's
   * {@code id}; segments name the PV by its key), printed, changed and read back.
   */
  private static VolumeGroup withPvUuid(VgState st, PhysicalVolume pv, LvmUuid fresh)
      throws EngineException {
    String text = io.clvm.format.model.MetadataText.printOnDisk(st.metadata());
    String from = "id = \"" + pv.id().dashed() + "\"";
    int at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) {
      throw new EngineException("Cannot change the UUID of PV " + pv.id().dashed() + ".");
    }
    String changed =
        text.substring(0, at)
            + "id = \""
            + fresh.dashed()
            + "\""
            + text.substring(at + from.length());
    try {
      return io.clvm.format.model.MetadataText.parse(changed).vg();
    } catch (io.clvm.format.MetadataException e) {
      throw new EngineException("Cannot change the UUID of PV " + pv.id().dashed() + ": " + e);
    }
  }

  /** Rewrites the PV's label with {@code fresh} as its UUID, everything else as it was. */
  private static void writeLabelUuid(PvScan s, LvmUuid fresh) throws EngineException {
    io.clvm.format.disk.Label l = s.label().get();
    io.clvm.format.disk.PvHeader h = l.pvHeader();
    io.clvm.format.disk.PvHeader nh =
        new io.clvm.format.disk.PvHeader(
            fresh.raw(),
            h.deviceSize(),
            h.dataAreas(),
            h.metadataAreas(),
            h.extensionVersion(),
            h.extensionFlags(),
            h.bootloaderAreas());
    try {
      io.clvm.format.disk.LabelWriter.write(
          s.device(), new io.clvm.format.disk.Label(l.sector(), 0, l.contentsOffset(), nh));
      s.device().flush();
    } catch (java.io.IOException e) {
      throw new EngineException(
          "Failed to write the label of " + s.device().name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks pvchange --metadataignore for one PV; for {@code n} clears the flag on its areas at once
   * (the commit that follows writes to them). False (with lvm2's message) when nothing is to do.
   */
  private boolean metadataIgnore(
      Scan scan, VgState st, PhysicalVolume pv, String dev, boolean ignore) throws EngineException {
    io.clvm.format.store.PvScan ps = st.scan(pv);
    if (ps == null || ps.areas().isEmpty()) {
      console.error("Physical volume \"" + dev + "\" has no metadata areas.");
      return false;
    }
    if (ignore) {
      long others = 0;
      for (PhysicalVolume p : st.vg().pvs()) {
        io.clvm.format.store.PvScan o = st.scan(p);
        if (o != null && p != pv) {
          others += o.areas().stream().filter(io.clvm.format.store.AreaScan::inUse).count();
        }
      }
      if (others == 0) {
        console.error("Cannot disable all metadata areas in volume group " + st.vg().name() + ".");
        console.error("Physical volume " + dev + " not changed");
        return false;
      }
      return true;
    }
    setIgnored(ps, false);
    return true;
  }

  private static void setIgnored(io.clvm.format.store.PvScan ps, boolean ignore)
      throws EngineException {
    try {
      for (io.clvm.format.store.AreaScan a : ps.areas()) {
        if (a.header().isPresent()) {
          io.clvm.format.disk.MdaHeader h = a.header().get();
          io.clvm.format.disk.RawLocn slot0 =
              ignore
                  ? h.committed().withFlags(io.clvm.format.disk.DiskFormat.RAW_LOCN_IGNORED)
                  : io.clvm.format.disk.RawLocn.EMPTY;
          io.clvm.format.disk.MdaHeaderCodec.write(
              ps.device(), h.withSlots(slot0, io.clvm.format.disk.RawLocn.EMPTY));
        }
      }
      ps.device().flush();
    } catch (java.io.IOException e) {
      throw new EngineException(e.getMessage());
    }
  }
}
