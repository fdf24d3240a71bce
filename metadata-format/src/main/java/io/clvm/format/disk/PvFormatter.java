package io.clvm.format.disk;

import static io.clvm.format.disk.DiskFormat.LABEL_HEADER_SIZE;
import static io.clvm.format.disk.DiskFormat.LABEL_ID;
import static io.clvm.format.disk.DiskFormat.LABEL_SCAN_SECTORS;
import static io.clvm.format.disk.DiskFormat.MDA_WIPE_SIZE;
import static io.clvm.format.disk.DiskFormat.PV_HEADER_EXTENSION_VSN;
import static io.clvm.format.disk.DiskFormat.SECTOR_SIZE;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a device an orphan PV as {@code pvcreate} does: empty metadata areas and a label.
 *
 * <p>Geometry (lvm2's {@code _text_pv_add_metadata_area} rules): mda0 starts at 4096, the first
 * page boundary after the label scan range, and is grown so that it ends on the data alignment; the
 * bootloader area (if any) follows and is grown likewise; pe_start is where they end. mda1 takes
 * the requested size at the end of the device, its start moved down to the data alignment when that
 * stays clear of the data area.
 */
public final class PvFormatter {
  /** mda0's start: the label scan range (2 KiB) rounded up to the 4 KiB page. */
  static final long MDA0_START = 4096;

  /** lvm2 reads the first 2 KiB when scanning for labels; data never starts before that. */
  static final long LABEL_SCAN_SIZE = 2048;

  private PvFormatter() {}

  /** The layout the options give on a device of {@code deviceSize} bytes. */
  public static PvHeader layout(long deviceSize, PvFormatOptions o) throws MetadataException {
    long align = o.dataAlignment();
    List<DiskLocn> mdas = new ArrayList<>(2);
    long end;
    if (o.metadataCopies() > 0) {
      long mda0End = BlockAlignedDevice.roundUp(MDA0_START + o.metadataSize(), align);
      mdas.add(new DiskLocn(MDA0_START, mda0End - MDA0_START));
      end = mda0End;
    } else {
      end = BlockAlignedDevice.roundUp(LABEL_SCAN_SIZE, align);
    }
    List<DiskLocn> boot = new ArrayList<>(1);
    if (o.bootloaderAreaSize() > 0) {
      long baEnd = BlockAlignedDevice.roundUp(end + o.bootloaderAreaSize(), align);
      boot.add(new DiskLocn(end, baEnd - end));
      end = baEnd;
    }
    long peStart = end;
    long dataEnd = deviceSize;
    if (o.metadataCopies() == 2) {
      long start = deviceSize - o.metadataSize();
      long aligned = start / align * align;
      if (aligned >= peStart) {
        start = aligned;
      }
      mdas.add(new DiskLocn(start, deviceSize - start));
      dataEnd = start;
    }
    if (dataEnd <= peStart) {
      throw new MetadataException(
          Kind.NO_SPACE,
          null,
          MetadataException.UNKNOWN_OFFSET,
          "pv_header",
          "device of " + deviceSize + " bytes is too small for this PV layout");
    }
    return new PvHeader(
        o.uuid(),
        deviceSize,
        List.of(new DiskLocn(peStart, 0)),
        mdas,
        PV_HEADER_EXTENSION_VSN,
        0,
        boot);
  }

  /**
   * Writes fresh metadata area headers and the label; returns the label written. Other sectors of
   * the scan range that hold an old {@code LABELONE} are zeroed so that only the new label is
   * found; sector 0 is otherwise left alone (boot sector, partition table).
   */
  public static Label format(DiskDevice dev, PvFormatOptions o) throws IOException {
    PvHeader h;
    try {
      h = layout(dev.size(), o);
    } catch (MetadataException e) {
      throw new MetadataException(e.kind(), dev.name(), 0, e.structure(), e.reason());
    }
    for (DiskLocn m : h.metadataAreas()) {
      dev.write(m.offset(), new byte[(int) Math.min(MDA_WIPE_SIZE, m.size())]);
      MdaHeaderCodec.write(dev, MdaHeader.fresh(m.offset(), m.size(), o.metadataIgnore()));
    }
    byte[] scan = dev.read(0, SECTOR_SIZE * LABEL_SCAN_SECTORS, LabelReader.LABEL_HEADER);
    for (int s = 0; s < LABEL_SCAN_SECTORS; s++) {
      if (s != o.labelSector() && LabelReader.startsWith(scan, s * SECTOR_SIZE, LABEL_ID)) {
        dev.write((long) s * SECTOR_SIZE, new byte[SECTOR_SIZE]);
      }
    }
    Label label = new Label(o.labelSector(), 0, LABEL_HEADER_SIZE, h);
    LabelWriter.write(dev, label);
    dev.flush();
    return LabelReader.decode(
        dev.read(label.byteOffset(), SECTOR_SIZE, LabelReader.LABEL_HEADER),
        o.labelSector(),
        dev.name());
  }
}
