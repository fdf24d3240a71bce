package io.clvm.format.store;

import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.DiskFormat;
import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.Label;
import io.clvm.format.disk.LabelWriter;
import io.clvm.format.disk.MdaHeader;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.MetadataBuffer;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.disk.RawLocn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The disk steps of moving a PV's second metadata area (mda1, at the end of the device) when
 * pvresize changes the PV's size, as lvm2 2.03 does: the area keeps its size and is re-placed so
 * that it ends at the new end ({@code start = size - area size}, no alignment: measured with lvm2
 * 2.03.16 at 70.5 MiB).
 *
 * <p>The steps are separate so that the caller can order them around the metadata commit; the
 * order, and why every intermediate state is one that lvm2 and clvm both read, is in {@code
 * docs/metadata-model.md} ("pvresize and the second metadata area"). In short: an area is written
 * completely before the label names it, and the metadata never counts as extents the bytes that the
 * label names as a metadata area.
 */
public final class SecondAreaMove {
  private SecondAreaMove() {}

  /** Where mda1 of {@code size} bytes goes on a PV of {@code deviceBytes}. */
  public static DiskLocn placement(long deviceBytes, long size) {
    return new DiskLocn(deviceBytes - size, size);
  }

  /** Whether two byte ranges share a byte. */
  public static boolean overlaps(DiskLocn a, DiskLocn b) {
    return a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
  }

  /**
   * Whether {@link #writeArea} at {@code to} with a text of {@code textLen} bytes (without NUL)
   * would overwrite a byte the area {@code old} still needs: its header sector or a copy one of its
   * slots points at. Only then must the label stop naming {@code old} before the new area is
   * written; areas that overlap only in free buffer space are harmless.
   */
  public static boolean damages(MdaHeader old, DiskLocn to, long textLen) {
    long written =
        Math.max(DiskFormat.MDA_WIPE_SIZE, DiskFormat.MDA_HEADER_SIZE + roundUp(textLen + 1));
    DiskLocn footprint = new DiskLocn(to.offset(), Math.min(written, to.size()));
    if (overlaps(footprint, new DiskLocn(old.start(), DiskFormat.MDA_HEADER_SIZE))) {
      return true;
    }
    for (RawLocn slot : List.of(old.committed(), old.precommitted())) {
      if (slot.isEmpty() || slot.ignored()) {
        continue;
      }
      long first = Math.min(slot.size(), old.size() - slot.offset());
      if (overlaps(footprint, new DiskLocn(old.start() + slot.offset(), first))) {
        return true;
      }
      long rest = slot.size() - first;
      if (rest > 0
          && overlaps(footprint, new DiskLocn(old.start() + DiskFormat.MDA_HEADER_SIZE, rest))) {
        return true;
      }
    }
    return false;
  }

  private static long roundUp(long n) {
    long a = DiskFormat.MDA_ALIGNMENT;
    return (n + a - 1) / a * a;
  }

  /**
   * Writes a complete metadata area at {@code to}, not yet named by the label (so no reader sees
   * it): its first 4 KiB zeroed as pvcreate does, then {@code text} (the committed text of the VG,
   * without NUL) as its committed copy at offset 512, then its header. An ignored area gets its
   * header only, with the ignore flag, as lvm2 keeps the flag of the area it moves; a null {@code
   * text} (an orphan PV's area) gives an empty header.
   */
  public static void writeArea(DiskDevice dev, DiskLocn to, boolean ignored, byte[] text)
      throws IOException {
    dev.write(to.offset(), new byte[(int) Math.min(DiskFormat.MDA_WIPE_SIZE, to.size())]);
    MdaHeader fresh = MdaHeader.fresh(to.offset(), to.size(), ignored);
    if (!ignored && text != null) {
      byte[] withNul = Arrays.copyOf(text, text.length + 1);
      if (withNul.length > MetadataBuffer.maxTextSize(to.size())) {
        throw new IOException(
            dev.name() + ": metadata text of " + withNul.length + " bytes does not fit mda2");
      }
      RawLocn slot = MetadataBuffer.write(dev, fresh, DiskFormat.MDA_HEADER_SIZE, withNul);
      fresh = fresh.withSlots(slot, RawLocn.EMPTY);
    }
    dev.flush();
    MdaHeaderCodec.write(dev, fresh);
    dev.flush();
  }

  /**
   * Rewrites the label with {@code areas} as its metadata-area list and {@code deviceSize} (bytes)
   * as its device size, everything else as it was; returns the label written.
   */
  public static Label writeLabel(DiskDevice dev, Label old, List<DiskLocn> areas, long deviceSize)
      throws IOException {
    PvHeader h = old.pvHeader();
    PvHeader nh =
        new PvHeader(
            h.uuid(),
            deviceSize,
            h.dataAreas(),
            new ArrayList<>(areas),
            h.extensionVersion(),
            h.extensionFlags(),
            h.bootloaderAreas());
    Label l = new Label(old.sector(), 0, old.contentsOffset(), nh);
    LabelWriter.write(dev, l);
    dev.flush();
    return l;
  }
}
