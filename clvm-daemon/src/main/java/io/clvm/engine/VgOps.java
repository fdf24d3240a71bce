package io.clvm.engine;

import io.clvm.engine.units.SizeArg;
import io.clvm.format.MetadataException;
import io.clvm.format.alloc.PvResize;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.Label;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.Names;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VgFlag;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataCommitter;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** vgcreate, vgextend, vgreduce, vgremove, vgrename, vgchange, vgck, vgcfgbackup, vgcfgrestore. */
public final class VgOps {
  private final Engine engine;
  private final Console console;

  public VgOps(Engine engine) {
    this.engine = engine;
    this.console = engine.console();
  }

  /** vgcreate's arguments. */
  public record Create(
      String vg,
      List<String> pvs,
      SizeArg extentSize,
      List<String> tags,
      String alloc,
      boolean shared,
      Integer maxLv,
      Integer maxPv,
      PvOps.Format format,
      String systemId) {
    /** Without {@code --systemid}: the VG gets this host's system ID, if it has one. */
    public Create(
        String vg,
        List<String> pvs,
        SizeArg extentSize,
        List<String> tags,
        String alloc,
        boolean shared,
        Integer maxLv,
        Integer maxPv,
        PvOps.Format format) {
      this(vg, pvs, extentSize, tags, alloc, shared, maxLv, maxPv, format, null);
    }
  }

  /** vgcreate. */
  public int create(Create c) throws EngineException {
    Optional<String> bad = Names.checkVgName(c.vg());
    if (bad.isPresent()) {
      throw new EngineException(bad.get(), EngineException.INVALID);
    }
    if (c.shared() && engine.coordinator() == null) { // integ: inside clvmd it is cluster mode
      throw new EngineException(
          "A shared VG is made in cluster mode: run 'clvm enable-cluster' and clvmd first.");
    }
    long extentSize = 8192;
    if (c.extentSize() != null) {
      extentSize = c.extentSize().bytes() / 512;
      if (c.extentSize().bytes() == 0) {
        throw new EngineException("Physical extent size may not be zero", EngineException.INVALID);
      }
      if (extentSize < 2 || Long.bitCount(extentSize) != 1) {
        throw new EngineException(
            "Physical extent size must be a power of 2 of at least 1 KiB.",
            EngineException.INVALID);
      }
    }
    AllocationPolicy policy = AllocationPolicy.NORMAL;
    if (c.alloc() != null) {
      policy =
          AllocationPolicy.of(c.alloc())
              .filter(p -> p != AllocationPolicy.INHERIT)
              .orElseThrow(
                  () ->
                      new EngineException(
                          "Invalid argument for --alloc: " + c.alloc(), EngineException.INVALID));
    }
    for (String t : c.tags()) {
      Optional<String> badTag = Names.checkTag(t);
      if (badTag.isPresent()) {
        throw new EngineException(badTag.get(), EngineException.INVALID);
      }
    }
    // Shared and cluster-managed VGs carry a lock type instead (lvm2 gives them no system ID
    // either): a node's system ID would make the VG foreign to every other node.
    String systemId =
        c.shared() || engine.coordinator() != null
            ? null
            : SystemIds.forNewVg(c.systemId(), engine.config().systemId(), console);
    try (VgLock orphans = engine.lockOrphans();
        VgLock lock = engine.lockVg(c.vg());
        Scan scan = engine.scan(true, c.pvs())) {
      if (scan.vgNames().contains(c.vg())) {
        throw new EngineException("A volume group called " + c.vg() + " already exists.");
      }
      List<PhysicalVolume> pvs = addPvs(scan, c.vg(), c.pvs(), extentSize, c.format());
      VolumeGroup vg =
          VolumeGroup.builder(c.vg(), LvmUuid.random())
              .flags(EnumSet.of(VgFlag.RESIZEABLE, VgFlag.READ, VgFlag.WRITE))
              .extentSize(extentSize)
              .tags(c.tags())
              .allocationPolicy(policy)
              .maxLv(c.maxLv() == null ? 0 : c.maxLv())
              .maxPv(c.maxPv() == null ? 0 : c.maxPv())
              .systemId(systemId)
              .pvs(pvs)
              .build();
      if (engine.test()) {
        console.print("Test mode: Metadata will NOT be updated.");
      } else {
        engine.commitNew(scan, vg);
      }
      console.print(
          "Volume group \""
              + c.vg()
              + "\" successfully created"
              + (systemId == null ? "" : " with system ID " + systemId));
      return 0;
    }
  }

  /**
   * The model PVs for {@code paths}, formatting devices that are not PVs yet (lvm2's vgcreate and
   * vgextend do the same), refusing PVs of other VGs.
   */
  private List<PhysicalVolume> addPvs(
      Scan scan, String vgName, List<String> paths, long extentSize, PvOps.Format format)
      throws EngineException {
    List<PhysicalVolume> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String path : paths) {
      if (!seen.add(path)) {
        continue;
      }
      PvScan s = scan.scanOf(path);
      if (s == null) {
        throw new EngineException("Cannot use " + path + ": device not found");
      }
      Optional<String> other = PvOps.vgOf(scan, s);
      if (other.isPresent()) {
        throw new EngineException(
            "Physical volume '"
                + path
                + "' is already in volume group '"
                + other.get()
                + "'\nUnable to add physical volume '"
                + path
                + "' to volume group '"
                + vgName
                + "'");
      }
      Label label;
      if (s.label().isPresent()) {
        label = s.label().get();
      } else {
        label =
            new PvOps(engine)
                .format(scan, path, format == null ? PvOps.Format.defaults() : format, 0);
        console.print("Physical volume \"" + path + "\" successfully created.");
        if (label == null) {
          continue; // test mode
        }
        s = scan.scanOf(path);
      }
      out.add(modelPv(s.device(), label.pvHeader(), extentSize));
    }
    return out;
  }

  private static PhysicalVolume modelPv(DiskDevice dev, PvHeader h, long extentSize)
      throws EngineException {
    long devSize = dev.size() / 512;
    long peStart = h.dataStart() / 512;
    long reserved = 0;
    List<DiskLocn> mdas = h.metadataAreas();
    for (DiskLocn m : mdas) {
      if (m.offset() > h.dataStart()) {
        reserved += m.size() / 512;
      }
    }
    long peCount = PvResize.peCountFor(devSize, peStart, reserved, extentSize);
    if (peCount == 0) {
      throw new EngineException(
          "Physical volume "
              + dev.name()
              + " is too small for an extent of "
              + Sizes.human(extentSize * 512)
              + ".");
    }
    return PhysicalVolume.of(LvmUuid.parse(h.uuid()), dev.name(), devSize, peStart, peCount);
  }

  /** vgextend. */
  public int extend(String vgName, List<String> pvs, PvOps.Format format) throws EngineException {
    try (VgLock orphans = engine.lockOrphans();
        VgLock lock = engine.lockVg(vgName);
        Scan scan = engine.scan(true, pvs)) {
      VgState st = engine.readForWrite(scan, vgName);
      VolumeGroup vg = st.vg();
      for (PhysicalVolume pv : addPvs(scan, vgName, pvs, vg.extentSize(), format)) {
        vg = vg.withPvAdded(pv);
      }
      engine.commit(scan, scan.read(vgName, console), vg);
      console.print("Volume group \"" + vgName + "\" successfully extended");
      return 0;
    }
  }

  /** vgreduce VG PV..., vgreduce -a VG, vgreduce --removemissing VG. */
  public int reduce(
      String vgName, List<String> pvs, boolean all, boolean removeMissing, boolean force)
      throws EngineException {
    try (VgLock orphans = engine.lockOrphans();
        VgLock lock = engine.lockVg(vgName);
        Scan scan = engine.scan(true, pvs)) {
      if (removeMissing) {
        return removeMissing(scan, vgName, force);
      }
      VgState st = engine.readForWrite(scan, vgName);
      List<PhysicalVolume> targets = new ArrayList<>();
      for (PhysicalVolume pv : st.vg().pvs()) {
        if (all ? st.extents().usedExtents(pv.id()) == 0 : pvs.contains(st.deviceName(pv))) {
          targets.add(pv);
        }
      }
      if (all && targets.size() == st.vg().pvs().size()) {
        targets.remove(0); // lvm2 keeps one PV: a VG cannot be empty
      }
      for (String p : pvs) {
        if (targets.stream().noneMatch(t -> st.deviceName(t).equals(p))) {
          throw new EngineException(
              "Physical Volume \"" + p + "\" not found in Volume Group \"" + vgName + "\".");
        }
      }
      VolumeGroup vg = st.vg();
      List<DiskDevice> released = new ArrayList<>();
      for (PhysicalVolume pv : targets) {
        if (st.extents().usedExtents(pv.id()) > 0) {
          throw new EngineException("Physical volume \"" + st.deviceName(pv) + "\" still in use");
        }
        if (vg.pvs().size() == 1) {
          throw new EngineException(
              "Can't remove final physical volume \""
                  + st.deviceName(pv)
                  + "\" from volume group \""
                  + vgName
                  + "\"");
        }
        vg = vg.withoutPv(pv.id());
        released.add(st.scan(pv).device());
      }
      engine.commit(scan, st, vg);
      release(released);
      for (PhysicalVolume pv : targets) {
        console.print("Removed \"" + st.deviceName(pv) + "\" from volume group \"" + vgName + "\"");
      }
      return 0;
    }
  }

  private int removeMissing(Scan scan, String vgName, boolean force) throws EngineException {
    VgState st = scan.read(vgName, console);
    VolumeGroup vg = st.vg();
    Set<String> missing = new LinkedHashSet<>(st.read().missingPvIds());
    for (PhysicalVolume pv : vg.pvs()) {
      if (pv.missing()) {
        missing.add(pv.id().raw());
      }
    }
    if (missing.isEmpty()) {
      console.print("Volume group \"" + vgName + "\" is already consistent.");
      return 0;
    }
    List<String> dropped = new ArrayList<>();
    for (LogicalVolume lv : vg.lvs()) {
      if (usesAny(lv, missing)) {
        if (!force) {
          throw new EngineException(
              "WARNING: Partial LV "
                  + lv.name()
                  + " needs to be repaired or removed. \n"
                  + "There are still partial LVs in VG "
                  + vgName
                  + ".\n"
                  + "To remove them unconditionally use: vgreduce --removemissing --force.");
        }
        vg = vg.withoutLv(lv.name());
        dropped.add(lv.name());
      }
    }
    for (String id : missing) {
      vg = vg.withoutPv(new LvmUuid(id));
    }
    engine.commit(scan, st, vg); // in cluster mode through the commit protocol, as every change
    for (String lv : dropped) {
      console.print("Logical volume \"" + lv + "\" successfully removed.");
    }
    console.print("Wrote out consistent volume group " + vgName + ".");
    return 0;
  }

  private static boolean usesAny(LogicalVolume lv, Set<String> pvIds) {
    for (Segment s : lv.segments()) {
      if (s instanceof StripedSegment st) {
        for (Stripe area : st.stripes()) {
          if (pvIds.contains(area.pv().raw())) {
            return true;
          }
        }
      } else {
        return true; // an opaque segment may use anything
      }
    }
    return false;
  }

  private void release(List<DiskDevice> devices) throws EngineException {
    if (devices.isEmpty() || engine.test()) {
      return;
    }
    try {
      MetadataCommitter.release(devices);
    } catch (IOException e) {
      throw new EngineException(
          "Failed to clear the metadata of removed PVs: " + e.getMessage(), e);
    }
  }

  /** vgremove. */
  public int remove(List<String> vgs, boolean force) throws EngineException {
    int status = 0;
    for (String vgName : vgs) {
      try (VgLock orphans = engine.lockOrphans();
          VgLock lock = engine.lockVg(vgName);
          Scan scan = engine.scan(true)) {
        VgState st;
        try {
          st = engine.readForWrite(scan, vgName);
        } catch (EngineException e) {
          console.error(e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        if (engine.coordinator() != null) {
          try {
            engine.coordinator().checkRemovable(st);
          } catch (EngineException e) {
            console.error(e.getMessage());
            status = EngineException.FAILED;
            continue;
          }
        }
        long lvs = st.vg().lvs().size();
        if (lvs > 0) {
          if (!force
              && !console.confirm(
                  "Do you really want to remove volume group \""
                      + vgName
                      + "\" containing "
                      + lvs
                      + " logical volumes?")) {
            console.error("Volume group \"" + vgName + "\" not removed");
            status = EngineException.FAILED;
            continue;
          }
          for (LogicalVolume lv : st.vg().lvs()) {
            if (engine.activator().isActive(st.vg(), lv) && !engine.test()) {
              engine.activator().deactivate(st.vg(), lv);
            }
          }
        }
        if (engine.test()) {
          console.print("Test mode: Metadata will NOT be updated.");
          continue;
        }
        engine.writer().archive(st.metadata());
        if (engine.coordinator() != null) {
          engine.coordinator().removed(st);
        }
        List<DiskDevice> devices = new ArrayList<>();
        for (PhysicalVolume pv : st.vg().pvs()) {
          devices.add(st.scan(pv).device());
        }
        release(devices);
        for (LogicalVolume lv : st.vg().lvs()) {
          console.print("Logical volume \"" + lv.name() + "\" successfully removed.");
        }
        console.print("Volume group \"" + vgName + "\" successfully removed");
      }
    }
    return status;
  }

  /** vgrename. */
  public int rename(String from, String to) throws EngineException {
    Optional<String> bad = Names.checkVgName(to);
    if (bad.isPresent()) {
      throw new EngineException(bad.get()); // lvm2's vgrename: exit 5, not a parse error
    }
    if (from.equals(to)) {
      // Checked before locking: the same VG cannot be locked twice.
      throw new EngineException("Old and new volume group names must differ");
    }
    // The global lock first (the VG namespace: two nodes renaming to one name), then the VGs, in
    // the order vgcreate and vgremove take them.
    try (VgLock names = engine.lockOrphans();
        VgLock a = engine.lockVg(from.compareTo(to) < 0 ? from : to);
        VgLock b = engine.lockVg(from.compareTo(to) < 0 ? to : from);
        Scan scan = engine.scan(true)) {
      if (scan.vgNames().contains(to)) {
        throw new EngineException("New volume group \"" + to + "\" already exists");
      }
      VgState st = engine.readForWrite(scan, from);
      for (LogicalVolume lv : st.vg().lvs()) {
        if (engine.activator().isActive(st.vg(), lv)) {
          throw new EngineException(
              "Volume group \""
                  + from
                  + "\" still has active LV "
                  + lv.name()
                  + ": deactivate it before renaming the VG.");
        }
      }
      // A commit like any other: the metadata areas know a VG by its UUID, so the new name is
      // written in place (and in cluster mode the copy of record carries it too; the coordinator
      // refuses while an LV is active on another node, whose device names carry the VG's name).
      engine.commit(scan, st, st.vg().withName(to));
      console.print("Volume group \"" + from + "\" successfully renamed to \"" + to + "\"");
      return 0;
    }
  }

  /** vgchange's arguments. */
  public record Change(
      List<String> vgs,
      String activate,
      List<String> addTags,
      List<String> delTags,
      String alloc,
      Boolean resizeable,
      boolean refresh,
      String systemId) {
    /** Without {@code --systemid}. */
    public Change(
        List<String> vgs,
        String activate,
        List<String> addTags,
        List<String> delTags,
        String alloc,
        Boolean resizeable,
        boolean refresh) {
      this(vgs, activate, addTags, delTags, alloc, resizeable, refresh, null);
    }
  }

  /** vgchange. */
  public int change(Change c) throws EngineException {
    boolean metadata =
        !c.addTags().isEmpty()
            || !c.delTags().isEmpty()
            || c.alloc() != null
            || c.resizeable() != null
            || c.systemId() != null;
    if (!metadata && c.activate() == null && !c.refresh()) {
      throw new EngineException("Need one or more command options.", EngineException.INVALID);
    }
    List<String> vgs = c.vgs();
    if (vgs.isEmpty()) {
      try (Scan scan = engine.scan(false)) {
        vgs = scan.visibleVgNames(console);
      }
    }
    int status = 0;
    for (String vgName : vgs) {
      try (VgLock lock = engine.lockVg(vgName);
          Scan scan = engine.scan(true)) {
        VgState st = metadata ? engine.readForWrite(scan, vgName) : scan.read(vgName, console);
        VolumeGroup vg = st.vg();
        if (metadata) {
          VolumeGroup next = vg;
          if (!c.addTags().isEmpty() || !c.delTags().isEmpty()) {
            Set<String> tags = new LinkedHashSet<>(vg.tags());
            for (String t : c.addTags()) {
              Optional<String> bad = Names.checkTag(t);
              if (bad.isPresent()) {
                throw new EngineException(bad.get(), EngineException.INVALID);
              }
              tags.add(t);
            }
            tags.removeAll(c.delTags());
            next = next.withTags(new ArrayList<>(tags));
          }
          if (c.alloc() != null) {
            next =
                next.withAllocationPolicy(
                    AllocationPolicy.of(c.alloc())
                        .filter(p -> p != AllocationPolicy.INHERIT)
                        .orElseThrow(
                            () ->
                                new EngineException(
                                    "Invalid argument for --alloc: " + c.alloc(),
                                    EngineException.INVALID)));
          }
          if (c.resizeable() != null) {
            Set<VgFlag> flags = EnumSet.noneOf(VgFlag.class);
            flags.addAll(next.flags());
            if (c.resizeable()) {
              flags.add(VgFlag.RESIZEABLE);
            } else {
              flags.remove(VgFlag.RESIZEABLE);
            }
            next = next.withFlags(flags);
          }
          if (c.systemId() != null) {
            String id = SystemIds.change(vg, c.systemId(), engine.config().systemId(), console);
            next = next.withSystemId(id.isEmpty() ? null : id);
          }
          vg = engine.commit(scan, st, next);
          console.print("Volume group \"" + vgName + "\" successfully changed");
        }
        if (c.activate() != null || c.refresh()) {
          status = Math.max(status, activation(st, vg, c));
        }
      }
    }
    return status;
  }

  private int activation(VgState st, VolumeGroup vg, Change c) throws EngineException {
    boolean on = c.activate() == null || !c.activate().endsWith("n");
    engine.activator().mode(c.activate()); // integ: the mode matters in cluster mode
    int active = 0;
    try {
      switchAll(st, vg, c, on);
    } catch (NoDeviceMapperException e) {
      // lvm2 says it once, still counts the active LVs (none), and fails only an activation.
      console.error(e.getMessage());
      console.print("0 logical volume(s) in volume group \"" + vg.name() + "\" now active");
      return on ? EngineException.FAILED : 0;
    }
    for (LogicalVolume lv : vg.lvs()) {
      if (lv.visible() && engine.activator().isActive(vg, lv)) {
        active++;
      }
    }
    console.print(active + " logical volume(s) in volume group \"" + vg.name() + "\" now active");
    return 0;
  }

  private void switchAll(VgState st, VolumeGroup vg, Change c, boolean on) throws EngineException {
    for (LogicalVolume lv : vg.lvs()) {
      if (!lv.visible()) {
        continue;
      }
      if (c.refresh() && c.activate() == null) {
        if (engine.activator().isActive(vg, lv)) {
          engine.activator().activate(vg, lv, Activator.pvDevices(st));
        }
      } else if (on) {
        engine.activator().activate(vg, lv, Activator.pvDevices(st));
      } else {
        engine.activator().deactivate(vg, lv);
      }
    }
  }

  /** vgck: reads every VG (or the named ones) and reports what is wrong. */
  public int check(List<String> vgs, boolean updateMetadata) throws EngineException {
    int status = 0;
    try (Scan scan = engine.scan(updateMetadata)) {
      List<String> names = vgs.isEmpty() ? scan.visibleVgNames(console) : vgs;
      for (String vgName : names) {
        VgState st;
        try {
          st = scan.read(vgName, console);
        } catch (EngineException e) {
          console.error(e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        for (String missing : st.read().missingPvIds()) {
          console.warn("Couldn't find device with uuid " + PvHeader.dashed(missing) + ".");
          status = EngineException.FAILED;
        }
        if (updateMetadata && !st.read().consistent()) {
          try (VgLock lock = engine.lockVg(vgName)) {
            VgState fresh = engine.readForWrite(scan, vgName);
            engine.commit(scan, fresh, fresh.vg());
          }
        }
      }
    }
    return status;
  }

  /** vgcfgbackup [-f FILE] [VG...]. */
  public int backup(List<String> vgs, String file) throws EngineException {
    int status = 0;
    try (Scan scan = engine.scan(false)) {
      List<String> names = vgs.isEmpty() ? scan.visibleVgNames(console) : vgs;
      if (file != null && names.size() > 1 && !file.contains("%s")) {
        throw new EngineException(
            "VG name (%s) is required in the file name when backing up several VGs.",
            EngineException.INVALID);
      }
      for (String vgName : names) {
        VgState st;
        try {
          st = scan.read(vgName, console);
        } catch (EngineException e) {
          console.error(e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        String text =
            MetadataText.printBackup(
                new VgMetadata(
                    st.vg(),
                    io.clvm.format.model.MetadataHeader.now(
                        "Created *after* executing '" + engine.commandLine() + "'", null)));
        try {
          if (file == null) {
            MetadataWriter.writeFile(engine.config().backupDir(), vgName, text);
          } else {
            Path target = Path.of(file.replace("%s", vgName)).toAbsolutePath();
            MetadataWriter.writeFile(target.getParent(), target.getFileName().toString(), text);
          }
        } catch (IOException e) {
          console.error("Failed to write backup of " + vgName + ": " + e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        console.print("Volume group \"" + vgName + "\" successfully backed up.");
      }
    }
    return status;
  }

  /** vgcfgrestore [-f FILE] VG, and vgcfgrestore -l VG. */
  public int restore(String vgName, String file, boolean list) throws EngineException {
    if (vgName == null) {
      throw new EngineException(
          "Please specify a *single* volume group to restore.", EngineException.INVALID);
    }
    if (list) {
      return listArchives(vgName);
    }
    Path source = file != null ? Path.of(file) : engine.config().backupDir().resolve(vgName);
    String text;
    try {
      text = Files.readString(source, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new EngineException("Couldn't find backup file " + source + ".");
    } catch (IOException e) {
      throw new EngineException("Couldn't read " + source + ": " + e.getMessage());
    }
    VolumeGroup restored;
    try {
      restored = MetadataText.parse(text).vg();
    } catch (MetadataException e) {
      throw new EngineException(
          "Couldn't read volume group metadata from " + source + ": " + e.getMessage());
    }
    if (!restored.name().equals(vgName)) {
      restored = restored.withName(vgName);
    }
    try (VgLock orphans = engine.lockOrphans();
        VgLock lock = engine.lockVg(vgName);
        Scan scan = engine.scan(true)) {
      VgState current = null;
      if (scan.vgNames().contains(vgName)) {
        current = scan.read(vgName, console);
      }
      for (PhysicalVolume pv : restored.pvs()) {
        boolean present =
            scan.scans().stream().anyMatch(s -> s.pvUuid().orElse("").equals(pv.id().raw()));
        if (!present) {
          throw new EngineException(
              "Couldn't find device with uuid "
                  + pv.id().dashed()
                  + ".\n"
                  + "Cannot restore Volume Group "
                  + vgName
                  + " with 1 PVs marked as missing.\n"
                  + "Restore failed.");
        }
      }
      // lvm2 writes the file's seqno + 1; clvm also stays above what is on disk, because a
      // seqno must never be reused with other text.
      long seqno = restored.seqno() + 1;
      if (current != null) {
        seqno = Math.max(seqno, current.vg().seqno() + 1);
      }
      VolumeGroup next = restored.withSeqno(seqno);
      if (engine.coordinator() != null) {
        restoreInCluster(scan, current, next);
        return 0;
      }
      if (engine.test()) {
        console.print("Test mode: Metadata will NOT be updated.");
        return 0;
      }
      if (current != null) {
        engine.writer().archive(current.metadata());
      }
      engine.writer().write(scan, current, next);
      console.print("Restored volume group " + vgName + ".");
      return 0;
    }
  }

  /**
   * Cluster mode: the restored text is committed through the commit protocol (seqno above the
   * cluster's, LVs active on other nodes protected as for any change); a VG the cluster does not
   * hold cannot be restored here, since its copy of record would be missing.
   */
  private void restoreInCluster(Scan scan, VgState current, VolumeGroup next)
      throws EngineException {
    if (current == null) {
      throw new EngineException(
          "Cannot restore volume group "
              + next.name()
              + " in cluster mode: it is not on the disks. Restore it in local mode and bring it"
              + " in with 'clvm cluster import "
              + next.name()
              + "'.");
    }
    engine.commit(scan, engine.readForWrite(scan, next.name()), next);
    if (!engine.test()) {
      console.print("Restored volume group " + next.name() + ".");
    }
  }

  private int listArchives(String vgName) throws EngineException {
    Path dir = engine.config().archiveDir();
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, vgName + "_*.vg")) {
        ds.forEach(files::add);
      } catch (IOException e) {
        throw new EngineException("Couldn't list " + dir + ": " + e.getMessage());
      }
    }
    files.sort(null);
    if (files.isEmpty()) {
      console.print("No archives found in " + dir + ".");
    }
    Path backup = engine.config().backupDir().resolve(vgName);
    if (Files.exists(backup)) {
      files.add(backup);
    }
    for (Path f : files) {
      String description = "";
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.startsWith("description = \"")) {
            description = line.substring(15, line.length() - 1);
          }
        }
      } catch (IOException e) {
        description = "(unreadable: " + e.getMessage() + ")";
      }
      console.print(" ");
      console.print("File:\t\t" + f);
      console.print("VG name:    \t" + vgName);
      console.print("Description:\t" + description);
    }
    return 0;
  }
}
