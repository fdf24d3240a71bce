package io.clvm.format.disk;

import io.clvm.format.MetadataException;
import io.clvm.format.text.ConfigParser;
import io.clvm.format.text.ConfigSection;
import io.clvm.format.text.ConfigValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lines {@code pvck --dump headers} prints for a PV: every field of the label, PV header and
 * metadata area headers with its absolute byte offset. Used to check the decoders against lvm2 and
 * by a {@code pvck} command.
 */
public final class HeadersDump {
  private final List<String> lines = new ArrayList<>();

  private HeadersDump() {}

  /** Dumps a decoded PV; a metadata area that cannot be read adds a {@code CHECK:} line. */
  public static List<String> of(DiskDevice dev, Label label) throws IOException {
    HeadersDump d = new HeadersDump();
    d.label(label);
    List<DiskLocn> mdas = label.pvHeader().metadataAreas();
    if (mdas.isEmpty()) {
      d.add("zero metadata copies");
    }
    for (int i = 0; i < mdas.size(); i++) {
      d.mda(dev, i + 1, mdas.get(i).offset());
    }
    return d.lines;
  }

  private void add(String s) {
    lines.add("  " + s);
  }

  private void label(Label l) {
    long at = l.byteOffset();
    add("label_header at " + at);
    add("label_header.id LABELONE");
    add("label_header.sector " + l.sector());
    add("label_header.crc 0x" + Long.toHexString(l.crc()));
    add("label_header.offset " + l.contentsOffset());
    add("label_header.type LVM2 001");
    PvHeader h = l.pvHeader();
    long p = at + l.contentsOffset();
    add("pv_header at " + p);
    add("pv_header.pv_uuid " + h.uuid());
    add("pv_header.device_size " + h.deviceSize());
    p += DiskFormat.ID_LEN + 8;
    int[] n = {0};
    p = list("pv_header", n, p, h.dataAreas(), "location of data area");
    p = list("pv_header", n, p, h.metadataAreas(), "location of metadata area");
    if (h.extensionVersion() == 0) {
      return;
    }
    add("pv_header_extension at " + p);
    add("pv_header_extension.version " + h.extensionVersion());
    add("pv_header_extension.flags " + h.extensionFlags());
    list("pv_header_extension", new int[] {0}, p + 8, h.bootloaderAreas(), "bootloader area");
  }

  private long list(String prefix, int[] n, long p, List<DiskLocn> areas, String what) {
    for (DiskLocn d : areas) {
      locn(prefix, n[0]++, p, d.offset(), d.size(), what);
      p += DiskFormat.DISK_LOCN_SIZE;
    }
    locn(prefix, n[0]++, p, 0, 0, "location list end");
    return p + DiskFormat.DISK_LOCN_SIZE;
  }

  private void locn(String prefix, int i, long at, long offset, long size, String what) {
    String f = prefix + ".disk_locn[" + i + "]";
    add(f + " at " + at + " # " + what);
    add(f + ".offset " + offset);
    add(f + ".size " + size);
  }

  private void mda(DiskDevice dev, int n, long start) throws IOException {
    String f = "mda_header_" + n;
    add(f + " at " + start + " # metadata area");
    MdaHeader h;
    try {
      h = MdaHeaderCodec.read(dev, start);
    } catch (MetadataException e) {
      add("CHECK: " + e.getMessage());
      return;
    }
    add(f + ".checksum 0x" + Long.toHexString(h.checksum()));
    add(f + ".magic 0x204c564d3220785b35412572304e2a3e");
    add(f + ".version " + h.version());
    add(f + ".start " + h.start());
    add(f + ".size " + h.size());
    boolean wrapped = h.committed().offset() + h.committed().size() > h.size();
    slot(f, 0, start + 40, h.committed(), wrapped ? "commit wrapped" : "commit");
    slot(f, 1, start + 64, h.precommitted(), "precommit");
    RawLocn pre = h.precommitted();
    if (pre.offset() != 0 || pre.size() != 0 || pre.checksum() != 0) {
      // lvm2 (oracle E5) flags a precommit left behind by an interrupted commit.
      add("CHECK: " + f + ".raw_locn[1] for precommit not empty");
    }
    RawLocn c = h.committed();
    if (c.ignored() || c.isEmpty()) {
      return;
    }
    try {
      byte[] text = MetadataBuffer.read(dev, h, c);
      add(
          "metadata text at "
              + (start + c.offset())
              + " crc 0x"
              + Long.toHexString(c.checksum())
              + vgAndSeqno(text).orElse(""));
    } catch (MetadataException e) {
      add("CHECK: " + e.getMessage());
    }
  }

  private void slot(String f, int i, long at, RawLocn r, String what) {
    String s = f + ".raw_locn[" + i + "]";
    add(s + " at " + at + " # " + what);
    add(s + ".offset " + r.offset());
    add(s + ".size " + r.size());
    add(s + ".checksum 0x" + Long.toHexString(r.checksum()));
    add(s + ".flags 0x" + Long.toHexString(r.flags()) + (r.ignored() ? " # RAW_LOCN_IGNORED" : ""));
  }

  private static Optional<String> vgAndSeqno(byte[] text) {
    try {
      ConfigSection vg = ConfigParser.parse(text).firstSection().orElse(null);
      if (vg == null) {
        return Optional.empty();
      }
      Optional<ConfigValue> seqno = vg.value("seqno");
      return Optional.of(
          " # vgname "
              + vg.key()
              + " seqno "
              + seqno
                  .map(v -> v instanceof ConfigValue.Int i ? Long.toString(i.value()) : "?")
                  .orElse("?"));
    } catch (MetadataException e) {
      return Optional.empty();
    }
  }
}
