package io.clvm.engine;

import io.clvm.engine.units.ExtentsArg;
import io.clvm.engine.units.SizeArg;
import io.clvm.format.alloc.AllocationException;
import io.clvm.format.alloc.LvOperations;
import io.clvm.format.alloc.SizeSpec;
import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvFlag;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.Names;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.UnsupportedSegmentException;
import io.clvm.format.model.VolumeGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** lvcreate, lvextend, lvreduce, lvresize, lvremove, lvrename, lvchange. */
public final class LvOps {
  private final Engine engine;
  private final Console console;

  public LvOps(Engine engine) {
    this.engine = engine;
    this.console = engine.console();
  }

  /** lvcreate's arguments. */
  public record Create(
      String vg,
      String name,
      SizeArg size,
      ExtentsArg extents,
      Integer stripes,
      String stripeSize,
      String type,
      String activate,
      Boolean zero,
      List<String> tags,
      String alloc,
      Boolean contiguous,
      String permission,
      List<String> pvs) {}

  /** lvcreate. */
  public int create(Create c) throws EngineException {
    String vgName = Args.vgOf(c.vg());
    String lvName = c.name();
    if (Args.lvOf(c.vg()) != null) {
      lvName = Args.lvOf(c.vg());
    }
    if (Names.checkName(vgName).isPresent()) {
      throw new EngineException(
          "Volume group name " + vgName + " has invalid characters", EngineException.INVALID);
    }
    if (lvName != null && Args.lvOf(lvName) != null) {
      // -n VG/LV, as lvm2 accepts it when VG is the VG being created in
      if (!Args.vgOf(lvName).equals(vgName)) {
        throw new EngineException(
            "Inconsistent volume group names given: \""
                + Args.vgOf(lvName)
                + "\" and \""
                + vgName
                + "\"",
            EngineException.INVALID);
      }
      lvName = Args.lvOf(lvName);
    }
    if (lvName != null) {
      checkNewLvName(lvName, "Logical volume name \"" + lvName + "\" is invalid.");
    }
    int stripes = c.stripes() == null ? 1 : c.stripes();
    if (c.type() != null) {
      switch (c.type()) {
        case "linear":
          if (stripes > 1) {
            throw new EngineException(
                "Type linear cannot be used with more than one stripe.", EngineException.INVALID);
          }
          break;
        case "striped":
          break;
        default:
          throw new EngineException(
              "Segment type " + c.type() + " is not supported by clvm (linear and striped are).");
      }
    }
    boolean activate = activates(c.activate());
    engine.activator().mode(c.activate()); // integ: the mode matters in cluster mode
    long stripeSize = Sizes.stripeSizeSectors(c.stripeSize());
    if (stripes > 1 && stripeSize == 0) {
      console.print("Using default stripesize 64.00 KiB.");
    }
    SizeSpec size = Sizes.spec(c.size(), c.extents());
    if (size.sign() != 0) {
      throw new EngineException(
          "Invalid argument for --"
              + (c.size() != null ? "size" : "extents")
              + ": a new LV cannot have a relative size.",
          EngineException.INVALID);
    }
    AllocationPolicy policy = policy(c.alloc(), c.contiguous());
    try (VgLock lock = engine.lockVg(vgName);
        Scan scan = engine.scan(true)) {
      VgState st = engine.readForWrite(scan, vgName);
      VolumeGroup vg = st.vg();
      if (activate) {
        // Checked before anything is written: a kernel without device-mapper leaves the
        // metadata untouched.
        try {
          engine.activator().require(vgName + "/" + (lvName == null ? "lvol" : lvName));
        } catch (NoDeviceMapperException e) {
          // lvm2 checks the kernel's targets while it validates the command line: exit 3.
          throw new EngineException(
              e.getMessage()
                  + "\nstriped: Required device-mapper target(s) not detected in your kernel.",
              EngineException.INVALID);
        }
      }
      LvOperations.CreateRequest req =
          LvOperations.CreateRequest.linear(lvName, size)
              .withStripes(stripes, stripeSize)
              .withPvs(pvIds(st, c.pvs()))
              .withPolicy(policy);
      req =
          new LvOperations.CreateRequest(
              req.name(),
              req.size(),
              req.stripes(),
              req.stripeSize(),
              req.pvs(),
              req.policy(),
              c.tags(),
              req.id(),
              req.creationTime(),
              req.creationHost());
      long free = st.extents().freeExtents();
      long wanted =
          size.toExtents(vg.extentSize(), vg.extentCount(), free, vg.extentCount(), false);
      if (stripes > 1 && wanted % stripes != 0) {
        wanted += stripes - wanted % stripes;
      }
      if (wanted > free) {
        throw new EngineException(
            "Volume group \""
                + vgName
                + "\" has insufficient free space ("
                + free
                + " extents): "
                + wanted
                + " required.");
      }
      LvOperations.Result r;
      try {
        r = LvOperations.create(vg, req);
      } catch (AllocationException | IllegalArgumentException | UnsupportedSegmentException e) {
        throw new EngineException(e.getMessage());
      }
      long extentBytes = vg.extentSize() * 512;
      if (r.roundedToExtent()) {
        console.print(
            "Rounding up size to full physical extent "
                + Sizes.human(r.requestedExtents() * extentBytes));
      }
      if (r.roundedToStripes()) {
        console.print(
            "Rounding size "
                + Sizes.human(r.requestedExtents() * extentBytes)
                + " ("
                + r.requestedExtents()
                + " extents) up to stripe boundary size "
                + Sizes.human(r.newExtents() * extentBytes)
                + " ("
                + r.newExtents()
                + " extents).");
      }
      LogicalVolume lv = r.lv();
      VolumeGroup next = r.vg();
      if ("r".equals(c.permission())) {
        Set<LvFlag> flags = EnumSet.copyOf(lv.flags());
        flags.remove(LvFlag.WRITE);
        lv = lv.withFlags(flags);
        next = next.withLv(lv);
      }
      VolumeGroup written = engine.commit(scan, st, next);
      boolean zero = c.zero() == null || c.zero();
      if (activate && zero && engine.activator().isDisabled()) {
        // lvm2's words (sic) with activation = 0: nothing is activated, so nothing is wiped.
        console.warn("Skipping zeroing and wipping, compiled without activation support.");
        zero = false;
      }
      if (activate && !engine.test()) {
        try {
          engine.activator().activate(written, lv, Activator.pvDevices(st));
          if (zero && engine.coordinator() != null) {
            engine.coordinator().wipeStart(written, lv); // integ: through the PVs
          } else if (zero) {
            zeroStart(written, lv);
          }
        } catch (EngineException e) {
          // lvm2 does the same: a new LV that cannot be activated (and wiped) is removed again.
          console.error(e.getMessage());
          VgState now = scan.read(vgName, console);
          engine.commit(scan, now, LvOperations.remove(now.vg(), lv.name()));
          throw new EngineException(
              "Aborting. Failed to activate new LV " + vgName + "/" + lv.name() + ".");
        }
      }
      if (!activate || !zero) {
        console.warn("Logical volume " + vgName + "/" + lv.name() + " not zeroed.");
      }
      console.print("Logical volume \"" + lv.name() + "\" created.");
      return 0;
    }
  }

  private static boolean activates(String a) throws EngineException {
    if (a == null) {
      return true;
    }
    switch (a) {
      case "y":
      case "ay":
      case "ey":
      case "sy":
      case "ly":
        return true;
      case "n":
      case "an":
      case "en":
      case "sn":
      case "ln":
        return false;
      default:
        throw new EngineException("Invalid argument for --activate: " + a, EngineException.INVALID);
    }
  }

  /**
   * A new LV name, checked before anything is locked or read, as lvm2 checks it while parsing the
   * command line (exit 3): {@code invalid} for a name outside the character set, too long, "." or
   * "..", lvm2's own message for a reserved name.
   */
  private static void checkNewLvName(String name, String invalid) throws EngineException {
    if (Names.checkName(name).isPresent()) {
      throw new EngineException(invalid, EngineException.INVALID);
    }
    java.util.Optional<String> reserved = Names.checkLvName(name);
    if (reserved.isPresent()) {
      throw new EngineException(reserved.get(), EngineException.INVALID);
    }
  }

  private static AllocationPolicy policy(String alloc, Boolean contiguous) throws EngineException {
    if (contiguous != null && contiguous) {
      return AllocationPolicy.CONTIGUOUS;
    }
    if (alloc == null) {
      return null;
    }
    return AllocationPolicy.of(alloc)
        .orElseThrow(
            () ->
                new EngineException(
                    "Invalid argument for --alloc: " + alloc, EngineException.INVALID));
  }

  /** PV arguments (device paths, optionally with :PE ranges, which clvm ignores) to UUIDs. */
  static List<LvmUuid> pvIds(VgState st, List<String> pvs) throws EngineException {
    List<LvmUuid> out = new ArrayList<>();
    for (String arg : pvs) {
      String dev = arg.contains(":") ? arg.substring(0, arg.indexOf(':')) : arg;
      LvmUuid found = null;
      for (PhysicalVolume pv : st.vg().pvs()) {
        if (st.deviceName(pv).equals(dev)) {
          found = pv.id();
        }
      }
      if (found == null) {
        throw new EngineException(
            "Physical Volume \""
                + dev
                + "\" not found in Volume Group \""
                + st.vg().name()
                + "\".");
      }
      out.add(found);
    }
    return out;
  }

  private static void zeroStart(VolumeGroup vg, LogicalVolume lv) throws EngineException {
    Path node = Path.of("/dev/mapper", io.clvm.format.report.LvReport.dmName(vg.name(), lv.name()));
    try (FileChannel ch = FileChannel.open(node, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4096), 0);
      ch.force(true);
    } catch (IOException e) {
      throw new EngineException(
          "Failed to wipe start of new LV " + vg.name() + "/" + lv.name() + ": " + e.getMessage());
    }
  }

  /** What lvextend, lvreduce and lvresize are asked. */
  public enum ResizeKind {
    EXTEND,
    REDUCE,
    RESIZE
  }

  /** lvextend/lvreduce/lvresize arguments. */
  public record Resize(
      ResizeKind kind,
      String lv,
      SizeArg size,
      ExtentsArg extents,
      Integer stripes,
      String stripeSize,
      String alloc,
      boolean resizeFs,
      List<String> pvs,
      boolean force) {}

  /** lvextend, lvreduce, lvresize. */
  public int resize(Resize r) throws EngineException {
    String vgName = Args.vgOf(r.lv());
    String lvName = Args.lvOf(r.lv());
    if (lvName == null) {
      throw new EngineException("Please specify a logical volume path.", EngineException.INVALID);
    }
    if (r.resizeFs()) {
      throw new EngineException("clvm does not resize file systems (-r): resize it separately.");
    }
    SizeSpec size = Sizes.spec(r.size(), r.extents());
    try (VgLock lock = engine.lockVg(vgName);
        Scan scan = engine.scan(true)) {
      VgState st = engine.readForWrite(scan, vgName);
      VolumeGroup vg = st.vg();
      LogicalVolume lv =
          vg.lv(lvName)
              .orElseThrow(
                  () ->
                      new EngineException(
                          "Failed to find logical volume \"" + vgName + "/" + lvName + "\""));
      long current = lv.extentCount();
      long extentBytes = vg.extentSize() * 512;
      ResizeKind kind = r.kind();
      if (kind == ResizeKind.RESIZE) {
        kind = direction(vg, st, size, current);
      }
      if (size.kind() == SizeSpec.Kind.BYTES && size.value() % extentBytes != 0) {
        long rounded = (size.value() + extentBytes - 1) / extentBytes * extentBytes;
        if (kind == ResizeKind.REDUCE && size.sign() == 0) {
          rounded = size.value() / extentBytes * extentBytes;
        }
        console.print(
            "Rounding size to boundary between physical extents: " + Sizes.human(rounded) + ".");
      }
      LvOperations.Result res;
      try {
        if (kind == ResizeKind.EXTEND) {
          res =
              LvOperations.extend(
                  vg,
                  lvName,
                  size.sign() < 0 ? size : size,
                  r.stripes() == null ? 0 : r.stripes(),
                  Sizes.stripeSizeSectors(r.stripeSize()),
                  pvIds(st, r.pvs()),
                  policy(r.alloc(), null));
        } else {
          res = LvOperations.reduce(vg, lvName, size);
        }
      } catch (AllocationException | IllegalArgumentException | UnsupportedSegmentException e) {
        throw new EngineException(e.getMessage());
      }
      boolean active = engine.activator().isActive(vg, lv);
      if (kind == ResizeKind.REDUCE && active && !r.force()) {
        console.warn(
            "Reducing active logical volume to "
                + Sizes.human(res.newExtents() * extentBytes)
                + ".");
        console.print("THIS MAY DESTROY YOUR DATA (filesystem etc.)");
        if (!console.confirm("Do you really want to reduce " + vgName + "/" + lvName + "?")) {
          console.error("Logical volume " + vgName + "/" + lvName + " NOT reduced.");
          return EngineException.FAILED;
        }
      }
      LogicalVolume after = res.vg().lv(lvName).orElseThrow();
      if (kind == ResizeKind.REDUCE && active && !engine.test()) {
        // Shrink the mapping first, then the metadata: no extent is ever mapped that the
        // metadata could hand to another LV.
        engine.activator().activate(res.vg(), after, Activator.pvDevices(st));
      }
      VolumeGroup written = engine.commit(scan, st, res.vg());
      if (kind == ResizeKind.EXTEND && active && !engine.test()) {
        engine.activator().activate(written, after, Activator.pvDevices(st));
      }
      console.print(
          "Size of logical volume "
              + vgName
              + "/"
              + lvName
              + " changed from "
              + Sizes.human(current * extentBytes)
              + " ("
              + current
              + " extents) to "
              + Sizes.human(res.newExtents() * extentBytes)
              + " ("
              + res.newExtents()
              + " extents).");
      console.print("Logical volume " + vgName + "/" + lvName + " successfully resized.");
      return 0;
    }
  }

  private static ResizeKind direction(VolumeGroup vg, VgState st, SizeSpec size, long current) {
    if (size.sign() > 0) {
      return ResizeKind.EXTEND;
    }
    if (size.sign() < 0) {
      return ResizeKind.REDUCE;
    }
    long target =
        size.toExtents(
            vg.extentSize(), vg.extentCount(), st.extents().freeExtents(), vg.extentCount(), false);
    return target >= current ? ResizeKind.EXTEND : ResizeKind.REDUCE;
  }

  /** lvremove of each {@code vg/lv} (or every LV of {@code vg}). */
  public int remove(List<String> args, boolean force) throws EngineException {
    int status = 0;
    for (String arg : args) {
      String vgName = Args.vgOf(arg);
      String lvName = Args.lvOf(arg);
      try (VgLock lock = engine.lockVg(vgName);
          Scan scan = engine.scan(true)) {
        VgState st;
        try {
          st = engine.readForWrite(scan, vgName);
        } catch (EngineException e) {
          console.error(e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        List<String> names = new ArrayList<>();
        if (lvName == null) {
          st.vg().lvs().stream().filter(LogicalVolume::visible).forEach(l -> names.add(l.name()));
        } else if (st.vg().lv(lvName).isEmpty()) {
          console.error("Failed to find logical volume \"" + vgName + "/" + lvName + "\"");
          status = EngineException.FAILED;
          continue;
        } else {
          names.add(lvName);
        }
        for (String name : names) {
          VgState now = scan.read(vgName, console);
          LogicalVolume lv = now.vg().lv(name).orElseThrow();
          if (engine.activator().isActive(now.vg(), lv)) {
            if (!force
                && !console.confirm(
                    "Do you really want to remove active logical volume "
                        + vgName
                        + "/"
                        + name
                        + "?")) {
              console.error("Logical volume " + vgName + "/" + name + " not removed.");
              status = EngineException.FAILED;
              continue;
            }
            if (!engine.test()) {
              engine.activator().deactivate(now.vg(), lv);
            }
          }
          VolumeGroup next;
          try {
            next = LvOperations.remove(now.vg(), name);
          } catch (AllocationException | IllegalArgumentException e) {
            console.error(e.getMessage());
            status = EngineException.FAILED;
            continue;
          }
          engine.commit(scan, now, next);
          scan.forget(vgName);
          console.print("Logical volume \"" + name + "\" successfully removed.");
        }
      }
    }
    return status;
  }

  /** lvrename VG OLD NEW, lvrename VG/OLD VG/NEW, lvrename VG/OLD NEW. */
  public int rename(List<String> args) throws EngineException {
    String vgName;
    String from;
    String to;
    if (args.size() == 3) {
      vgName = args.get(0);
      from = args.get(1);
      to = args.get(2);
    } else if (args.size() == 2 && Args.lvOf(args.get(0)) != null) {
      vgName = Args.vgOf(args.get(0));
      from = Args.lvOf(args.get(0));
      to = Args.lvOf(args.get(1)) != null ? Args.lvOf(args.get(1)) : args.get(1);
      if (Args.lvOf(args.get(1)) != null && !Args.vgOf(args.get(1)).equals(vgName)) {
        throw new EngineException(
            "Logical volume names must have the same volume group (\""
                + vgName
                + "\" or \""
                + Args.vgOf(args.get(1))
                + "\").",
            EngineException.INVALID);
      }
    } else {
      throw new EngineException(
          "Old and new logical volume names required", EngineException.INVALID);
    }
    checkNewLvName(to, "New logical volume name \"" + to + "\" is invalid");
    if (from.equals(to)) {
      throw new EngineException(
          "Old and new logical volume names must differ", EngineException.INVALID);
    }
    try (VgLock lock = engine.lockVg(vgName);
        Scan scan = engine.scan(true)) {
      VgState st = engine.readForWrite(scan, vgName);
      LogicalVolume lv =
          st.vg()
              .lv(from)
              .orElseThrow(
                  () ->
                      new EngineException(
                          "Existing logical volume \""
                              + from
                              + "\" not found in volume group \""
                              + vgName
                              + "\""));
      VolumeGroup next;
      try {
        next = LvOperations.rename(st.vg(), from, to);
      } catch (AllocationException | IllegalArgumentException e) {
        throw new EngineException(e.getMessage());
      }
      boolean active = engine.activator().isActive(st.vg(), lv);
      VolumeGroup written = engine.commit(scan, st, next);
      if (active && !engine.test()) {
        engine.activator().deactivate(st.vg(), lv);
        engine.activator().activate(written, written.lv(to).orElseThrow(), Activator.pvDevices(st));
      }
      console.print(
          "Renamed \"" + from + "\" to \"" + to + "\" in volume group \"" + vgName + "\"");
      return 0;
    }
  }

  /** lvchange's arguments. */
  public record Change(
      List<String> lvs,
      String activate,
      List<String> addTags,
      List<String> delTags,
      boolean refresh,
      String permission,
      String alloc) {}

  /** lvchange. */
  public int change(Change c) throws EngineException {
    int status = 0;
    boolean metadata =
        !c.addTags().isEmpty()
            || !c.delTags().isEmpty()
            || c.permission() != null
            || c.alloc() != null;
    if (!metadata && c.activate() == null && !c.refresh()) {
      throw new EngineException("Need one or more command options.", EngineException.INVALID);
    }
    for (String arg : c.lvs()) {
      String vgName = Args.vgOf(arg);
      String lvName = Args.lvOf(arg);
      try (VgLock lock = engine.lockVg(vgName);
          Scan scan = engine.scan(true)) {
        VgState st = metadata ? engine.readForWrite(scan, vgName) : scan.read(vgName, console);
        List<LogicalVolume> targets = new ArrayList<>();
        for (LogicalVolume l : st.vg().lvs()) {
          if (l.visible() && (lvName == null || l.name().equals(lvName))) {
            targets.add(l);
          }
        }
        if (targets.isEmpty() && lvName != null) {
          console.error("Failed to find logical volume \"" + vgName + "/" + lvName + "\"");
          status = EngineException.FAILED;
          continue;
        }
        VolumeGroup vg = st.vg();
        if (metadata) {
          for (LogicalVolume l : targets) {
            vg = vg.withLv(changed(vg.lv(l.name()).orElseThrow(), c));
          }
          vg = engine.commit(scan, st, vg);
          for (LogicalVolume l : targets) {
            console.print("Logical volume " + vgName + "/" + l.name() + " changed.");
          }
        }
        if (c.activate() != null) {
          boolean on = activates(c.activate());
          engine.activator().mode(c.activate()); // integ: the mode matters in cluster mode
          try {
            for (LogicalVolume l : targets) {
              LogicalVolume now = vg.lv(l.name()).orElseThrow();
              if (on) {
                engine.activator().activate(vg, now, Activator.pvDevices(st));
              } else {
                engine.activator().deactivate(vg, now);
              }
            }
          } catch (NoDeviceMapperException e) {
            // As lvm2: said once; activating failed, deactivating had nothing to remove.
            console.error(e.getMessage());
            if (on) {
              return EngineException.FAILED;
            }
          }
        } else if (c.refresh()) {
          for (LogicalVolume l : targets) {
            LogicalVolume now = vg.lv(l.name()).orElseThrow();
            if (engine.activator().isActive(vg, now)) {
              engine.activator().activate(vg, now, Activator.pvDevices(st));
            }
          }
        }
      }
    }
    return status;
  }

  private static LogicalVolume changed(LogicalVolume lv, Change c) throws EngineException {
    LogicalVolume out = lv;
    if (!c.addTags().isEmpty() || !c.delTags().isEmpty()) {
      Set<String> tags = new LinkedHashSet<>(lv.tags());
      for (String t : c.addTags()) {
        java.util.Optional<String> bad = Names.checkTag(t);
        if (bad.isPresent()) {
          throw new EngineException(bad.get(), EngineException.INVALID);
        }
        tags.add(t);
      }
      tags.removeAll(c.delTags());
      out = out.withTags(new ArrayList<>(tags));
    }
    if (c.permission() != null) {
      Set<LvFlag> flags = EnumSet.copyOf(out.flags());
      switch (c.permission()) {
        case "r":
          flags.remove(LvFlag.WRITE);
          break;
        case "rw":
          flags.add(LvFlag.WRITE);
          break;
        default:
          throw new EngineException(
              "Invalid argument for --permission: " + c.permission(), EngineException.INVALID);
      }
      out = out.withFlags(flags);
    }
    if (c.alloc() != null) {
      out = out.withAllocationPolicy(policy(c.alloc(), null));
    }
    return out;
  }
}
