package io.clvm.engine;

import io.clvm.engine.units.Units;
import io.clvm.format.alloc.UsedArea;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvFlag;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VgFlag;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.report.LvReport;
import io.clvm.format.report.PvReport;
import io.clvm.format.report.VgReport;
import io.clvm.format.store.PvScan;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * pvdisplay, vgdisplay, lvdisplay (with {@code -m}), pvscan, vgscan, lvscan and pvck: lvm2's
 * display layouts, sizes in its human units with the long-form suffix (" MiB").
 */
public final class Display {
  private final Engine engine;
  private final Console console;
  private final Units units;
  private KernelState kernel;

  public Display(Engine engine, Units units) {
    this.engine = engine;
    this.console = engine.console();
    this.units = units == null ? Units.DEFAULT : units;
  }

  private String size(long bytes) {
    return units.format(bytes, true, Units.Suffix.SHORT);
  }

  private static String pad(String label) {
    return String.format("%-22s", label);
  }

  /** pvdisplay [-m] [-s] [PV...]. */
  public int pvdisplay(List<String> names, boolean maps, boolean shortForm) throws EngineException {
    int status = 0;
    try (Scan scan = engine.scan(false, names)) {
      List<String> found = new ArrayList<>();
      for (String vgName : scan.visibleVgNames(console)) {
        VgState st = scan.read(vgName, console);
        for (PhysicalVolume pv : st.vg().pvs()) {
          String dev = st.deviceName(pv);
          if (!names.isEmpty() && !names.contains(dev)) {
            continue;
          }
          found.add(dev);
          if (shortForm) {
            console.print(
                "Device \""
                    + dev
                    + "\" has a capacity of "
                    + size(PvReport.pvFree(st.vg(), st.extents(), pv)));
            continue;
          }
          pvBlock(st, pv, dev, maps);
        }
      }
      for (PvScan orphan : scan.orphans(console)) {
        String dev = orphan.device().name();
        if (!names.isEmpty() && !names.contains(dev)) {
          continue;
        }
        found.add(dev);
        long devSize = orphan.device().size();
        if (shortForm) {
          console.print("Device \"" + dev + "\" has a capacity of " + size(devSize));
          continue;
        }
        console.print("\"" + dev + "\" is a new physical volume of \"" + size(devSize) + "\"");
        console.print("--- NEW Physical volume ---");
        console.print(pad("PV Name") + dev);
        console.print(pad("VG Name"));
        console.print(pad("PV Size") + size(devSize));
        console.print(pad("Allocatable") + "NO");
        console.print(pad("PE Size") + "0   ");
        console.print(pad("Total PE") + "0");
        console.print(pad("Free PE") + "0");
        console.print(pad("Allocated PE") + "0");
        PvHeader h = orphan.label().get().pvHeader();
        console.print(pad("PV UUID") + PvHeader.dashed(h.uuid()));
        console.print(" ");
      }
      for (String n : names) {
        if (!found.contains(n)) {
          console.error("Failed to find physical volume \"" + n + "\".");
          status = EngineException.FAILED;
        }
      }
    }
    return status;
  }

  private void pvBlock(VgState st, PhysicalVolume pv, String dev, boolean maps) {
    VolumeGroup vg = st.vg();
    long extent = vg.extentSize() * 512;
    long devSize = PvReport.devSize(pv);
    long notUsable = devSize - pv.peCount() * extent;
    long used = st.extents().usedExtents(pv.id());
    console.print("--- Physical volume ---");
    console.print(pad("PV Name") + dev);
    console.print(pad("VG Name") + vg.name());
    console.print(pad("PV Size") + size(devSize) + " / not usable " + size(notUsable));
    console.print(
        pad("Allocatable")
            + (pv.allocatable() ? (used == pv.peCount() ? "yes (but full)" : "yes ") : "NO"));
    console.print(pad("PE Size") + size(extent));
    console.print(pad("Total PE") + pv.peCount());
    console.print(pad("Free PE") + (pv.peCount() - used));
    console.print(pad("Allocated PE") + used);
    console.print(pad("PV UUID") + pv.id().dashed());
    console.print(" ");
    if (maps) {
      console.print("--- Physical Segments ---");
      for (UsedArea a : st.extents().pvSegments(pv.id())) {
        console.print("Physical extent " + a.start() + " to " + (a.end() - 1) + ":");
        if (a.lvName().isEmpty()) {
          console.print("  FREE");
        } else {
          LogicalVolume lv = vg.lv(a.lvName()).orElseThrow();
          long le = a.segmentStart();
          for (Segment s : lv.segments()) {
            if (s.startExtent() == a.segmentStart()) {
              le = s.startExtent();
              console.print("  Logical volume\t" + LvReport.lvPath(vg, lv));
              console.print("  Logical extents\t" + le + " to " + (s.endExtent() - 1));
            }
          }
        }
      }
      console.print(" ");
    }
  }

  /** vgdisplay [-s] [VG...]. */
  public int vgdisplay(List<String> names, boolean shortForm) throws EngineException {
    int status = 0;
    try (Scan scan = engine.scan(false)) {
      List<String> vgs = names.isEmpty() ? scan.visibleVgNames(console) : names;
      for (String vgName : vgs) {
        VgState st;
        try {
          st = scan.read(vgName, console);
        } catch (EngineException e) {
          console.error(e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        VolumeGroup vg = st.vg();
        long extent = vg.extentSize() * 512;
        long free = st.extents().freeExtents();
        long alloc = vg.extentCount() - free;
        if (shortForm) {
          // lvm2's vgdisplay_short: "\"%s\" %-9s [%-9s used / %s free]"
          console.print(
              String.format(
                  "\"%s\" %-9s [%-9s used / %s free]",
                  vg.name(), size(VgReport.vgSize(vg)), size(alloc * extent), size(free * extent)));
          continue;
        }
        long mdas = 0;
        for (PhysicalVolume pv : vg.pvs()) {
          PvScan s = st.scan(pv);
          if (s != null) {
            mdas += s.areas().stream().filter(a -> a.inUse()).count();
          }
        }
        int open = 0;
        console.print("--- Volume group ---");
        console.print(pad("VG Name") + vg.name());
        console.print(pad("System ID") + VgReport.vgSystemId(vg));
        console.print(pad("Format") + "lvm2");
        console.print(pad("Metadata Areas") + mdas);
        console.print(pad("Metadata Sequence No") + vg.seqno());
        console.print(
            pad("VG Access") + (vg.flags().contains(VgFlag.WRITE) ? "read/write" : "read"));
        console.print(
            pad("VG Status") + (vg.flags().contains(VgFlag.RESIZEABLE) ? "resizable" : ""));
        console.print(pad("MAX LV") + vg.maxLv());
        console.print(pad("Cur LV") + VgReport.lvCount(vg));
        console.print(pad("Open LV") + open);
        console.print(pad("Max PV") + vg.maxPv());
        console.print(pad("Cur PV") + vg.pvs().size());
        console.print(pad("Act PV") + (vg.pvs().size() - st.read().missingPvIds().size()));
        console.print(pad("VG Size") + size(VgReport.vgSize(vg)));
        console.print(pad("PE Size") + size(extent));
        console.print(pad("Total PE") + vg.extentCount());
        console.print(pad("Alloc PE / Size") + alloc + " / " + size(alloc * extent));
        console.print(pad("Free  PE / Size") + free + " / " + size(free * extent));
        console.print(pad("VG UUID") + vg.id().dashed());
        console.print(" ");
      }
    }
    return status;
  }

  /** lvdisplay [-m] [VG|VG/LV...]. */
  public int lvdisplay(List<String> names, boolean maps) throws EngineException {
    int status = 0;
    try (Scan scan = engine.scan(false)) {
      List<String> args = names.isEmpty() ? scan.visibleVgNames(console) : names;
      for (String arg : args) {
        String vgName = Args.vgOf(arg);
        String lvName = Args.lvOf(arg);
        VgState st;
        try {
          st = scan.read(vgName, console);
        } catch (EngineException e) {
          console.error(e.getMessage());
          status = EngineException.FAILED;
          continue;
        }
        VolumeGroup vg = st.vg();
        boolean any = false;
        for (LogicalVolume lv : vg.lvs()) {
          if (!lv.visible() || (lvName != null && !lv.name().equals(lvName))) {
            continue;
          }
          any = true;
          lvBlock(st, lv, maps);
        }
        if (!any && lvName != null) {
          console.error("Failed to find logical volume \"" + vgName + "/" + lvName + "\"");
          status = EngineException.FAILED;
        }
      }
    }
    return status;
  }

  private void lvBlock(VgState st, LogicalVolume lv, boolean maps) {
    VolumeGroup vg = st.vg();
    long extent = vg.extentSize() * 512;
    String wide = "%-23s";
    console.print("--- Logical volume ---");
    console.print(String.format(wide, "LV Path") + LvReport.lvPath(vg, lv));
    console.print(String.format(wide, "LV Name") + lv.name());
    console.print(String.format(wide, "VG Name") + vg.name());
    console.print(String.format(wide, "LV UUID") + lv.id().dashed());
    console.print(
        String.format(wide, "LV Write Access")
            + (lv.flags().contains(LvFlag.WRITE) ? "read/write" : "read only"));
    console.print(
        String.format(wide, "LV Creation host, time")
            + LvReport.lvHost(lv)
            + ", "
            + LvReport.lvTime(lv, ZoneId.systemDefault()));
    // lvm2's lv_display_full: the status only with activation on, the open count, the kernel's
    // read-ahead and the device number only for a device in the kernel.
    if (kernel == null) {
      kernel = engine.kernelState();
    }
    java.util.Optional<KernelState.LvDevice> dev = kernel.device(vg, lv);
    if (dev.isPresent() && dev.get().info().suspended()) {
      console.print(String.format(wide, "LV Status") + "suspended");
    } else if (kernel.source() != KernelState.Source.DISABLED) {
      console.print(
          String.format(wide, "LV Status") + (dev.isPresent() ? "" : "NOT ") + "available");
    }
    if (dev.isPresent()) {
      console.print(String.format(wide, "# open") + dev.get().info().openCount());
    }
    console.print(String.format(wide, "LV Size") + size(lv.extentCount() * extent));
    console.print(String.format(wide, "Current LE") + lv.extentCount());
    console.print(String.format(wide, "Segments") + lv.segments().size());
    console.print(String.format(wide, "Allocation") + lv.allocationPolicy().word());
    String ra = LvReport.lvReadAhead(lv);
    console.print(
        String.format(wide, "Read ahead sectors")
            + (ra.equals("auto") ? "auto" : Long.toString(Long.parseLong(ra) / 512)));
    if (dev.isPresent()) {
      long kra = dev.get().readAheadSectors();
      if (ra.equals("auto") || Long.parseLong(ra) / 512 != kra) {
        console.print(String.format(wide, "- currently set to") + kra);
      }
      io.clvm.dm.DeviceNumber n = dev.get().info().device();
      console.print(
          String.format(wide, "Block device")
              + (n == null ? "-1:-1" : n.major() + ":" + n.minor()));
    }
    console.print(" ");
    if (maps) {
      console.print("--- Segments ---");
      for (Segment s : lv.segments()) {
        console.print("Logical extents " + s.startExtent() + " to " + (s.endExtent() - 1) + ":");
        if (!(s instanceof StripedSegment st2)) {
          console.print("  Type\t\t" + s.type());
          continue;
        }
        if (st2.isLinear()) {
          Stripe area = st2.stripes().get(0);
          console.print("  Type\t\tlinear");
          console.print("  Physical volume\t" + device(st, area));
          console.print(
              "  Physical extents\t"
                  + area.startExtent()
                  + " to "
                  + (area.startExtent() + s.extentCount() - 1));
        } else {
          console.print("  Type\t\tstriped");
          console.print("  Stripes\t\t" + st2.stripeCount());
          console.print("  Stripe size\t\t" + size(st2.stripeSize() * 512));
          int i = 0;
          for (Stripe area : st2.stripes()) {
            console.print("  Stripe " + i++ + ":");
            console.print("    Physical volume\t" + device(st, area));
            console.print(
                "    Physical extents\t"
                    + area.startExtent()
                    + " to "
                    + (area.startExtent() + st2.areaLength() - 1));
          }
        }
        console.print(" ");
      }
      console.print(" ");
    }
  }

  private static String device(VgState st, Stripe area) {
    return st.vg().pv(area.pv()).map(st::deviceName).orElse("[unknown]");
  }

  /** pvscan. */
  public int pvscan(boolean onlyOrphans, boolean showUuid) throws EngineException {
    try (Scan scan = engine.scan(false)) {
      List<String[]> lines = new ArrayList<>();
      long total = 0;
      long inUse = 0;
      long orphanBytes = 0;
      int count = 0;
      int inUseCount = 0;
      int orphanCount = 0;
      // lvm2 sizes the columns over every PV and VG it found, foreign ones included.
      int nameLen = 0;
      int vgLen = "#orphans_lvm2".length();
      for (PvScan s : scan.scans()) {
        if (s.label().isPresent()) {
          nameLen = Math.max(nameLen, s.device().name().length());
        }
      }
      for (String vgName : scan.vgNames()) {
        vgLen = Math.max(vgLen, vgName.length());
      }
      if (onlyOrphans) {
        nameLen = 0;
      }
      for (String vgName : scan.visibleVgNames(console)) {
        VgState st = scan.read(vgName, console);
        vgLen = Math.max(vgLen, vgName.length());
        for (PhysicalVolume pv : st.vg().pvs()) {
          long size = PvReport.pvSize(st.vg(), pv);
          long free = PvReport.pvFree(st.vg(), st.extents(), pv);
          total += size;
          inUse += size;
          count++;
          inUseCount++;
          if (!onlyOrphans) {
            String dev = st.deviceName(pv);
            nameLen = Math.max(nameLen, dev.length());
            lines.add(
                new String[] {
                  dev, vgName, size(size) + " / " + size(free) + " free", pv.id().dashed()
                });
          }
        }
      }
      for (PvScan o : scan.orphans(console)) {
        long size = o.device().size();
        total += size;
        orphanBytes += size;
        count++;
        orphanCount++;
        String dev = o.device().name();
        nameLen = Math.max(nameLen, dev.length());
        lines.add(
            new String[] {
              dev, null, size(size), PvHeader.dashed(o.label().get().pvHeader().uuid())
            });
      }
      if (count == 0) {
        console.print("No matching physical volumes found");
        return 0;
      }
      for (String[] l : lines) {
        // lvm2 pads names to the longest plus two, and VG names to at least its orphan VG's
        // internal name, "#orphans_lvm2".
        String name = String.format("%-" + (nameLen + 3) + "s", l[0]);
        String uuid = showUuid ? " with UUID " + l[3] : "";
        if (l[1] == null) {
          console.print(
              "PV "
                  + name
                  + uuid
                  + "   "
                  + String.format("%-" + (vgLen + 3) + "s", "")
                  + "lvm2 ["
                  + l[2]
                  + "]");
        } else {
          console.print(
              "PV "
                  + name
                  + uuid
                  + "VG "
                  + String.format("%-" + (vgLen + 3) + "s", l[1])
                  + "lvm2 ["
                  + l[2]
                  + "]");
        }
      }
      console.print(
          "Total: "
              + count
              + " ["
              + size(total)
              + "] / in use: "
              + inUseCount
              + " ["
              + size(inUse)
              + "] / in no VG: "
              + orphanCount
              + " ["
              + size(orphanBytes)
              + "]");
      return 0;
    }
  }

  /** vgscan. */
  public int vgscan() throws EngineException {
    try (Scan scan = engine.scan(false)) {
      for (String vg : scan.visibleVgNames(console)) {
        console.print("Found volume group \"" + vg + "\" using metadata type lvm2");
      }
      return 0;
    }
  }

  /** lvscan. */
  public int lvscan() throws EngineException {
    try (Scan scan = engine.scan(false)) {
      for (String vgName : scan.visibleVgNames(console)) {
        VgState st = scan.read(vgName, console);
        VolumeGroup vg = st.vg();
        for (LogicalVolume lv : vg.lvs()) {
          if (!lv.visible()) {
            continue;
          }
          boolean active = engine.activator().isActive(vg, lv);
          console.print(
              String.format("%-18s", active ? "ACTIVE" : "inactive")
                  + "'"
                  + LvReport.lvPath(vg, lv)
                  + "' ["
                  + size(LvReport.lvSize(vg, lv))
                  + "] "
                  + lv.allocationPolicy().word());
        }
      }
      return 0;
    }
  }

  /** pvck: the label and metadata areas of each device, and what is wrong with them. */
  public int pvck(List<String> devices) throws EngineException {
    int status = 0;
    try (Scan scan = engine.scan(false, devices)) {
      for (String dev : devices) {
        PvScan s = scan.scanOf(dev);
        if (s == null) {
          console.error("Cannot use " + dev + ": device not found");
          status = EngineException.FAILED;
          continue;
        }
        console.print("Device \"" + dev + "\" has a capacity of " + size(s.device().size()));
        if (s.label().isEmpty()) {
          console.error("Could not find LVM label on " + dev);
          status = EngineException.FAILED;
          continue;
        }
        console.print(
            "Found label on " + dev + ", sector " + s.label().get().sector() + ", type=LVM2 001");
        for (DiskLocn m : s.label().get().pvHeader().metadataAreas()) {
          console.print("Found text metadata area: offset=" + m.offset() + ", size=" + m.size());
        }
        for (var p : s.problems()) {
          console.error("CHECK: " + p.getMessage());
          status = EngineException.FAILED;
        }
      }
    }
    return status;
  }

  /**
   * pvck --dump headers|metadata: lvm2's dump of a PV's headers, or the committed text of its first
   * metadata area framed as lvm2 prints it.
   */
  public int pvckDump(String what, List<String> devices) throws EngineException {
    if (!List.of("headers", "metadata", "metadata_all", "metadata_search").contains(what)) {
      throw new EngineException("Unknown dump value " + what + ".", EngineException.INVALID);
    }
    int status = 0;
    try (Scan scan = engine.scan(false, devices)) {
      for (String dev : devices) {
        PvScan s = scan.scanOf(dev);
        if (s == null) {
          console.error("Cannot use " + dev + ": device not found");
          status = EngineException.FAILED;
          continue;
        }
        if (s.label().isEmpty()) {
          console.error("Could not find LVM label on " + dev);
          status = EngineException.FAILED;
          continue;
        }
        if (what.equals("headers")) {
          try {
            for (String line : io.clvm.format.disk.HeadersDump.of(s.device(), s.label().get())) {
              console.report(line + "\n");
            }
          } catch (java.io.IOException e) {
            console.error(e.getMessage());
            status = EngineException.FAILED;
          }
          continue;
        }
        if (what.startsWith("metadata_")) {
          List<DiskLocn> mdas = s.label().get().pvHeader().metadataAreas();
          if (mdas.isEmpty()) {
            console.error("No metadata area on " + dev);
            status = EngineException.FAILED;
            continue;
          }
          DiskLocn mda = mdas.get(0);
          if (what.equals("metadata_search")) {
            console.print(
                "Searching for metadata at offset " + mda.offset() + " size " + mda.size());
          }
          try {
            dumpAllTexts(s.device().read(mda.offset(), Math.toIntExact(mda.size()), "mda"), mda);
          } catch (java.io.IOException | ArithmeticException e) {
            console.error(
                "CHECK: failed to read metadata area at offset "
                    + mda.offset()
                    + " size "
                    + mda.size());
            status = EngineException.FAILED;
          }
          continue;
        }
        var copy =
            s.areas().stream()
                .filter(a -> a.copy().isPresent())
                .map(a -> a.copy().get())
                .findFirst();
        if (copy.isEmpty()) {
          console.error("No metadata found on " + dev);
          status = EngineException.FAILED;
          continue;
        }
        var c = copy.get();
        console.print(
            "metadata text at "
                + c.textOffset()
                + " crc 0x"
                + Long.toHexString(c.checksum())
                + " # vgname "
                + c.vgName()
                + " seqno "
                + c.seqno());
        console.print("---");
        console.report(c.textString() + "\n");
        console.print("---");
      }
    }
    return status;
  }

  /**
   * pvck --dump metadata_all / metadata_search: every metadata text still in a metadata area's
   * circular buffer, old versions included, found as lvm2's pvck finds them: at each 512-byte
   * boundary after the area header, a line {@code <vgname> {}, then {@code id = "..."}, then {@code
   * seqno = N}; the text runs to its NUL (wrapping to the buffer's start if need be), and the next
   * search starts at the next boundary after it. One line per text, as lvm2 prints it.
   */
  private void dumpAllTexts(byte[] buf, DiskLocn mda) {
    int size = buf.length;
    long chunks = (size - 512L) / 512;
    int first = 0;
    String firstId = null;
    boolean multiple = false;
    long count = 0;
    while (count < chunks) {
      int at = (int) (512 + count * 512);
      int p = at;
      String l1 = line(buf, p);
      p += l1.length();
      String name = vgNameStart(l1);
      String l2 = name == null ? "" : line(buf, p);
      p += l2.length();
      String l3 = l2.startsWith("id = ") ? line(buf, p) : "";
      java.util.regex.Matcher seq = java.util.regex.Pattern.compile("seqno = (\\d+)").matcher(l3);
      if (name == null
          || !l2.startsWith("id = ")
          || !l3.startsWith("seqno = ")
          || !seq.lookingAt()) {
        count++;
        continue;
      }
      String id = l2.length() >= 44 ? l2.substring(6, 44) : l2.substring(Math.min(6, l2.length()));
      byte[] text = copyOut(buf, at, first);
      if (text == null) {
        console.warn(
            "Failed to extract full metadata text at " + (mda.offset() + at) + ", skipping.");
        count++;
        continue;
      }
      if (firstId == null) {
        firstId = id;
      } else if (!firstId.equals(id)) {
        multiple = true;
      }
      console.print(
          String.format(
              "metadata at %d length %d crc %08x vg %s seqno %s id %s",
              mda.offset() + at,
              text.length,
              io.clvm.format.disk.LvmCrc.of(text),
              name,
              Long.toString(Long.parseLong(seq.group(1)) & 0xffffffffL),
              id));
      if (first == 0) {
        first = at;
      }
      try {
        io.clvm.format.text.ConfigParser.parse(text, 0, text.length - 1, null, 0);
      } catch (io.clvm.format.MetadataException | RuntimeException e) {
        console.warn("parse error for metadata at " + (mda.offset() + at));
      }
      int n = text.length;
      if (n < 3 || text[n - 2] != '\n' || text[n - 3] != '\n') {
        console.warn("unexpected terminating bytes for metadata at " + (mda.offset() + at));
      }
      count += n < 512 ? 1 : (n + 511) / 512;
    }
    if (multiple) {
      console.warn("metadata from multiple VGs was found.");
    }
  }

  /** One line of at most 128 bytes from {@code at}, its newline included (lvm2's _copy_line). */
  private static String line(byte[] buf, int at) {
    StringBuilder b = new StringBuilder();
    for (int i = at; i < buf.length && i < at + 128; i++) {
      char c = (char) (buf[i] & 0xff);
      b.append(c);
      if (c == '\n' || c == 0) {
        break;
      }
    }
    return b.toString();
  }

  /** The VG name when {@code line} begins "name {", else null (lvm2's _check_vgname_start). */
  private static String vgNameStart(String line) {
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' || c == '+') {
        i++;
      } else {
        break;
      }
    }
    if (i == 0 || i > 128 || !line.startsWith(" {", i)) {
      return null;
    }
    return line.substring(0, i);
  }

  /**
   * The text starting at {@code start} up to and including its NUL, wrapping once to the buffer's
   * start (after the 512-byte header) but not past {@code first} (the first text found); null when
   * no end is found or the text is shorter than 256 bytes, as lvm2 skips it.
   */
  private byte[] copyOut(byte[] buf, int start, int first) {
    int stop = first == 0 ? start : first;
    int i = start;
    while (i < buf.length && buf[i] != 0) {
      i++;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    if (i < buf.length) {
      out.write(buf, start, i - start);
    } else {
      int j = 512;
      while (j < stop && buf[j] != 0) {
        j++;
      }
      if (j >= stop) {
        return null;
      }
      out.write(buf, start, buf.length - start);
      out.write(buf, 512, j - 512);
    }
    if (out.size() < 256) {
      console.print("skip invalid metadata with len " + out.size() + " at " + start);
      return null;
    }
    out.write(0);
    return out.toByteArray();
  }
}
