package io.clvm.engine;

import io.clvm.format.alloc.AllocationException;
import io.clvm.format.alloc.PvResize;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.Label;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.MetadataCopy;
import io.clvm.format.store.PvScan;
import io.clvm.format.store.SecondAreaMove;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * pvresize of one PV of a VG, with lvm2's result on disk: new {@code dev_size} and {@code pe_count}
 * in the metadata and, when the PV has a second metadata area (mda1) at its end, that area moved to
 * the new end and the label's metadata-area list rewritten (lvm2 2.03's {@code _text_pv_resize}).
 *
 * <p>lvm2 itself first rewrites the label and empties both area headers, then writes the new text:
 * a crash in between leaves the PV without readable metadata ("Use pvcreate and vgcfgrestore to
 * repair"). clvm orders its writes so that every intermediate state is a consistent PV that lvm2
 * and clvm both read, with one rule: <b>the newest committed metadata never counts as extents the
 * bytes that the label names as a metadata area, and the label never names an area before the area
 * holds a complete copy.</b>
 *
 * <ul>
 *   <li>Growing: (1) the new area is written beyond the old end with a copy of the current text
 *       (seqno N), unseen; (2) the label names it instead of the old area; (3) seqno N+1 with the
 *       larger pe_count is committed to both areas. Before (3) the text's extents end before the
 *       old area, which is before the new one.
 *   <li>Shrinking: (1) seqno N+1 with the smaller pe_count is committed to both current areas (its
 *       extents now end before where the new area goes); (2) the new area is written with a copy of
 *       N+1, unseen; (3) the label names it.
 *   <li>When the old and the new area share bytes (a change smaller than the area), writing the new
 *       area would damage the old one while the label still names it; the label first names mda0
 *       only (a valid PV with one area), then the steps above run.
 * </ul>
 *
 * <p>An mda1 whose header cannot be read (the device was shrunk under it) is not moved, as lvm2
 * does not move it: it is left out of the metadata writes and the label keeps naming it.
 */
final class PvResizer {
  /**
   * Called after each durable step (tests stop there, as a crash would, and check what is on disk).
   */
  interface Hook {
    Hook NONE = step -> {};

    void reached(String step) throws IOException;
  }

  private final Engine engine;
  private final Hook hook;

  PvResizer(Engine engine) {
    this(engine, Hook.NONE);
  }

  PvResizer(Engine engine, Hook hook) {
    this.engine = engine;
    this.hook = hook;
  }

  /**
   * Resizes {@code pv} (on {@code path}) of the VG read in {@code st} to {@code sectors}.
   *
   * @throws EngineException with lvm2's message when the size does not fit the PV
   */
  void resize(Scan scan, VgState st, PhysicalVolume pv, String path, long sectors)
      throws EngineException {
    PvScan ps = st.scan(pv);
    Optional<AreaScan> second =
        ps.areas().stream().filter(a -> a.index() == 1 && a.header().isPresent()).findFirst();
    long reserved = second.map(a -> a.locn().size() / 512).orElse(0L);
    VolumeGroup next;
    try {
      next = PvResize.resize(st.vg(), pv.id(), path, sectors, reserved);
    } catch (AllocationException | IllegalArgumentException e) {
      throw new EngineException(e.getMessage());
    }
    if (second.isEmpty() || engine.test()) {
      // Without mda1 lvm2 does not rewrite the label: the metadata alone changes.
      engine.commit(scan, st, next);
      return;
    }
    AreaScan from = second.get();
    DiskLocn to = SecondAreaMove.placement(sectors * 512, from.locn().size());
    if (engine.coordinator() != null && !to.equals(from.locn())) {
      // The label and area writes are not fenced by the cluster's commit protocol (only the
      // metadata commit is): a node that lost its lock could still write them.
      throw new EngineException(
          "Cannot resize "
              + path
              + " in cluster mode: moving its metadata area at the end of the device is done"
              + " in local mode only.");
    }
    boolean ignored = from.header().get().ignored();
    long labelSize = next.pv(pv.id()).orElseThrow().devSize() * 512;
    try {
      if (to.offset() >= from.locn().offset()) {
        grow(scan, st, next, ps, from, to, ignored, labelSize);
      } else {
        shrink(scan, st, next, path, from, to, ignored, labelSize);
      }
    } catch (IOException e) {
      throw new EngineException(
          "Failed to move the metadata area at the end of " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Resizes a PV of no VG (lvm2 does it too): only its label changes, with the device size and,
   * when it has an mda1, that area re-placed at the new end. lvm2 checks the minimum size and
   * pe_start only (it even lets mda1 overlap the data area of a tiny orphan); so does clvm. The new
   * area is written (a header, no text: an orphan's areas hold none) before the label names it.
   */
  void resizeOrphan(PvScan ps, String path, long sectors) throws EngineException {
    long peStart = ps.label().get().pvHeader().dataStart() / 512;
    if (sectors < PvResize.MIN_SIZE) {
      throw new EngineException(
          "Size must exceed minimum of " + PvResize.MIN_SIZE + " sectors on PV " + path + ".");
    }
    if (sectors < peStart) {
      throw new EngineException(
          "Size must exceed physical extent start of " + peStart + " sectors on PV " + path + ".");
    }
    if (engine.test()) {
      return;
    }
    Label label = ps.label().get();
    Optional<AreaScan> second =
        ps.areas().stream().filter(a -> a.index() == 1 && a.header().isPresent()).findFirst();
    try {
      List<DiskLocn> areas = label.pvHeader().metadataAreas();
      if (second.isPresent()) {
        AreaScan from = second.get();
        DiskLocn to = SecondAreaMove.placement(sectors * 512, from.locn().size());
        if (!to.equals(from.locn())) {
          label = dropIfDamaged(ps, label, from, to, 0);
          SecondAreaMove.writeArea(ps.device(), to, from.header().get().ignored(), null);
          hook.reached("area written");
        }
        areas = withSecond(label, to);
      }
      SecondAreaMove.writeLabel(ps.device(), label, areas, sectors * 512);
      hook.reached("label written");
    } catch (IOException e) {
      throw new EngineException(
          "Failed to store physical volume \"" + path + "\": " + e.getMessage(), e);
    }
  }

  private void grow(
      Scan scan,
      VgState st,
      VolumeGroup next,
      PvScan ps,
      AreaScan from,
      DiskLocn to,
      boolean ignored,
      long labelSize)
      throws IOException, EngineException {
    Label label = ps.label().get();
    if (!to.equals(from.locn())) {
      // The winning copy's bytes: every area must hold identical text for one seqno.
      byte[] text = st.read().text();
      label = dropIfDamaged(ps, label, from, to, text.length);
      SecondAreaMove.writeArea(ps.device(), to, ignored, text);
      hook.reached("area written");
    }
    SecondAreaMove.writeLabel(ps.device(), label, withSecond(label, to), labelSize);
    hook.reached("label written");
    scan.refresh();
    engine.commit(scan, st, next);
    hook.reached("committed");
  }

  private void shrink(
      Scan scan,
      VgState st,
      VolumeGroup next,
      String path,
      AreaScan from,
      DiskLocn to,
      boolean ignored,
      long labelSize)
      throws IOException, EngineException {
    VolumeGroup written = engine.commit(scan, st, next);
    hook.reached("committed");
    PvScan ps = scan.scanOf(path);
    byte[] text = committedText(ps, written.seqno());
    if (text == null && !ignored) {
      throw new IOException("the new metadata was not found on " + path);
    }
    if (text == null) {
      text = new byte[0];
    }
    AreaScan now = ps.areas().stream().filter(a -> a.index() == 1).findFirst().orElse(from);
    Label label = dropIfDamaged(ps, ps.label().get(), now, to, text.length);
    SecondAreaMove.writeArea(ps.device(), to, ignored, text);
    hook.reached("area written");
    SecondAreaMove.writeLabel(ps.device(), label, withSecond(label, to), labelSize);
    hook.reached("label written");
    scan.refresh();
  }

  /**
   * When writing the new area would overwrite bytes the old one still needs (a resize by less than
   * a few KiB), first rewrites the label with mda0 only, so that no label ever names an area being
   * overwritten; returns the label now on disk. A crash right after leaves a consistent PV with one
   * metadata area (lvm2 and clvm read it; the second copy is then gone, as nothing on disk records
   * that there was one).
   */
  private Label dropIfDamaged(PvScan ps, Label label, AreaScan from, DiskLocn to, long textLen)
      throws IOException {
    if (from.header().isEmpty() || !SecondAreaMove.damages(from.header().get(), to, textLen)) {
      return label;
    }
    List<DiskLocn> first = List.of(label.pvHeader().metadataAreas().get(0));
    Label l = SecondAreaMove.writeLabel(ps.device(), label, first, label.pvHeader().deviceSize());
    hook.reached("second area dropped");
    return l;
  }

  private static List<DiskLocn> withSecond(Label label, DiskLocn to) {
    List<DiskLocn> areas = new ArrayList<>();
    areas.add(label.pvHeader().metadataAreas().get(0));
    areas.add(to);
    return areas;
  }

  /** The committed text of seqno {@code seqno} found on the PV, or null (all areas ignored). */
  private static byte[] committedText(PvScan ps, long seqno) {
    for (AreaScan a : ps.areas()) {
      Optional<MetadataCopy> c = a.copy();
      if (c.isPresent() && c.get().seqno() == seqno) {
        return c.get().text();
      }
    }
    return null;
  }
}
