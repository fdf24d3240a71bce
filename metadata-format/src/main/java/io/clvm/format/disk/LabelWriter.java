package io.clvm.format.disk;

import static io.clvm.format.disk.DiskFormat.DISK_LOCN_SIZE;
import static io.clvm.format.disk.DiskFormat.ID_LEN;
import static io.clvm.format.disk.DiskFormat.LABEL_CRC_START;
import static io.clvm.format.disk.DiskFormat.LABEL_ID;
import static io.clvm.format.disk.DiskFormat.LVM2_LABEL;
import static io.clvm.format.disk.DiskFormat.SECTOR_SIZE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes and writes a label sector the way lvm2's {@code label_write} does. */
public final class LabelWriter {
  private LabelWriter() {}

  /**
   * The 512 bytes of a label sector: zero-filled, label_header, pv_header and extension, CRC
   * computed last over bytes 20..511.
   */
  public static byte[] encode(Label label) {
    byte[] s = new byte[SECTOR_SIZE];
    System.arraycopy(LABEL_ID, 0, s, 0, LABEL_ID.length);
    Le.put64(s, 8, label.sector());
    Le.put32(s, 20, label.contentsOffset());
    System.arraycopy(LVM2_LABEL, 0, s, 24, LVM2_LABEL.length);
    PvHeader h = label.pvHeader();
    int p = (int) label.contentsOffset();
    byte[] uuid = h.uuid().getBytes(StandardCharsets.ISO_8859_1);
    if (uuid.length != ID_LEN) {
      throw new IllegalArgumentException("PV UUID must have 32 characters: " + h.uuid());
    }
    System.arraycopy(uuid, 0, s, p, ID_LEN);
    Le.put64(s, p + ID_LEN, h.deviceSize());
    p += ID_LEN + 8;
    p = list(s, p, h.dataAreas());
    p = list(s, p, h.metadataAreas());
    if (h.extensionVersion() > 0) {
      Le.put32(s, p, h.extensionVersion());
      Le.put32(s, p + 4, h.extensionFlags());
      list(s, p + 8, h.bootloaderAreas());
    }
    Le.put32(s, 16, LvmCrc.of(s, LABEL_CRC_START, SECTOR_SIZE - LABEL_CRC_START));
    return s;
  }

  private static int list(byte[] s, int p, List<DiskLocn> areas) {
    for (DiskLocn d : areas) {
      if (p + 2 * DISK_LOCN_SIZE > SECTOR_SIZE) {
        throw new IllegalArgumentException("PV header does not fit into the label sector");
      }
      Le.put64(s, p, d.offset());
      Le.put64(s, p + 8, d.size());
      p += DISK_LOCN_SIZE;
    }
    return p + DISK_LOCN_SIZE; // the {0,0} terminator is already zero
  }

  /** Writes the label sector (one 512-byte write, read-modify-write on 4K devices). */
  public static void write(DiskDevice dev, Label label) throws IOException {
    dev.write(label.byteOffset(), encode(label));
  }
}
