package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.DiskFormat;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Commits a new VG metadata text to the VG's PVs in lvm2's order (format spec §8.1).
 *
 * <ol>
 *   <li>PV headers that lack the "used" flag or the version-2 extension are rewritten.
 *   <li>The identical text is written into the free part of every in-use area. Headers still point
 *       at the old copy, so a crash here changes nothing.
 *   <li>Precommit: slot 1 of every header points at the new copy.
 *   <li>Commit: slot 0 points at the new copy and slot 1 is cleared. The new version is live.
 * </ol>
 *
 * <p>Everything is checked before the first write: the text, its seqno against every copy on disk,
 * and that it fits every area.
 */
public final class MetadataCommitter {
  private MetadataCommitter() {}

  /** Where one copy of a commit went. */
  private record Target(PvScan pv, AreaScan area, MdaHeader header, long offset) {}

  /**
   * Commits {@code text} (without NUL) as seqno {@code seqno} of VG {@code vgName} to the given
   * devices, which must be exactly the PVs the text lists: {@link #precommit} then {@link
   * PreparedCommit#commit}.
   *
   * @return the copies as written, one per in-use area
   */
  public static List<MetadataCopy> commit(
      List<? extends DiskDevice> devices, String vgName, long seqno, byte[] text)
      throws IOException {
    return commit(devices, vgName, seqno, text, null);
  }

  /** {@link #commit(List, String, long, byte[])} with {@code parsed} texts (null: none). */
  public static List<MetadataCopy> commit(
      List<? extends DiskDevice> devices,
      String vgName,
      long seqno,
      byte[] text,
      ParsedTexts parsed)
      throws IOException {
    PreparedCommit p = precommit(devices, vgName, seqno, text, parsed);
    p.commit();
    return p.copies();
  }

  /**
   * The first two steps of a commit: checks everything, writes the text into every in-use area and
   * points slot 1 (precommit) of every header at it. The VG is unchanged for every reader until
   * {@link PreparedCommit#commit}; {@link PreparedCommit#revert} clears slot 1 again. A cluster
   * protocol checks its lock between the two calls.
   */
  public static PreparedCommit precommit(
      List<? extends DiskDevice> devices, String vgName, long seqno, byte[] text)
      throws IOException {
    return precommit(devices, vgName, seqno, text, null);
  }

  /**
   * {@link #precommit(List, String, long, byte[])} with parsed texts taken from, and the new text
   * added to, {@code parsed} (null: none).
   */
  public static PreparedCommit precommit(
      List<? extends DiskDevice> devices,
      String vgName,
      long seqno,
      byte[] text,
      ParsedTexts parsed)
      throws IOException {
    TextInfo info = checkText(vgName, seqno, text, parsed);
    List<PvScan> scans = new DeviceScanner(parsed).scan(devices);
    checkPvs(info, scans);
    byte[] withNul = Arrays.copyOf(text, text.length + 1);

    List<Target> targets = new ArrayList<>();
    List<Target> alreadyThere = new ArrayList<>();
    for (PvScan pv : scans) {
      for (AreaScan a : pv.areas()) {
        if (!a.inUse()) {
          continue;
        }
        MdaHeader h = a.header().get();
        if (a.copy().isPresent() && checkSeqno(a.copy().get(), info, text)) {
          alreadyThere.add(new Target(pv, a, h, h.committed().offset()));
          continue;
        }
        long max = MetadataBuffer.maxTextSize(h.size());
        if (withNul.length > max) {
          throw new MetadataException(
              Kind.NO_SPACE,
              pv.device().name(),
              h.start(),
              "mda_header",
              String.format(
                  "metadata text of %d bytes does not fit into mda%d: at most %d bytes, %d too"
                      + " many",
                  withNul.length, a.index() + 1, max, withNul.length - max));
        }
        long offset = MetadataBuffer.nextOffset(h, withNul.length);
        if (MetadataBuffer.overlapsCommitted(h, offset, withNul.length)) {
          // Cannot happen within the size limit; kept as lvm2 keeps it, as a last guard.
          throw new MetadataException(
              Kind.NO_SPACE,
              pv.device().name(),
              h.start(),
              "mda_header",
              "new metadata at offset " + offset + " would overlap the committed copy");
        }
        targets.add(new Target(pv, a, h, offset));
      }
    }
    if (targets.isEmpty() && alreadyThere.isEmpty()) {
      throw new MetadataException(
          Kind.NO_SPACE,
          null,
          MetadataException.UNKNOWN_OFFSET,
          "volume group",
          "VG '" + vgName + "' has no metadata areas to write to");
    }

    markPvsUsed(scans);
    List<RawLocn> slots = new ArrayList<>();
    for (Target t : targets) {
      slots.add(MetadataBuffer.write(t.pv().device(), t.header(), t.offset(), withNul));
    }
    flush(targets);
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      MdaHeaderCodec.write(
          t.pv().device(), t.header().withSlots(t.header().committed(), slots.get(i)));
    }
    flush(targets);
    List<MetadataCopy> copies = new ArrayList<>();
    List<PreparedCommit.Area> areas = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      copies.add(copy(t, slots.get(i), info, text));
      areas.add(new PreparedCommit.Area(t.pv().device(), t.header(), slots.get(i)));
    }
    for (Target t : alreadyThere) {
      copies.add(copy(t, t.header().committed(), info, text));
    }
    return new PreparedCommit(areas, copies);
  }

  private static MetadataCopy copy(Target t, RawLocn slot, TextInfo info, byte[] text) {
    return new MetadataCopy(
        t.pv().device().name(),
        t.pv().pvUuid().orElseThrow(),
        t.area().index(),
        t.header().start(),
        t.header().start() + slot.offset(),
        slot.size(),
        slot.checksum(),
        info.vgName(),
        info.vgId(),
        info.seqno(),
        info.pvIds(),
        text);
  }

  private static TextInfo checkText(String vgName, long seqno, byte[] text, ParsedTexts parsed)
      throws MetadataException {
    for (byte b : text) {
      if (b == 0) {
        throw invalid("text contains a NUL byte");
      }
    }
    TextInfo info =
        parsed == null
            ? TextInfo.of(text, text.length, null, MetadataException.UNKNOWN_OFFSET)
            : parsed.info(
                text,
                text.length,
                ParsedTexts.key(text, text.length),
                null,
                MetadataException.UNKNOWN_OFFSET);
    if (!info.vgName().equals(vgName)) {
      throw invalid("text is for VG '" + info.vgName() + "', not '" + vgName + "'");
    }
    if (info.seqno() != seqno) {
      throw invalid("text has seqno " + info.seqno() + ", not " + seqno);
    }
    if (seqno <= 0 || seqno > 0xffffffffL) {
      throw invalid("seqno " + seqno + " is not a positive 32-bit number");
    }
    return info;
  }

  private static MetadataException invalid(String reason) {
    return new MetadataException(
        Kind.BAD_VALUE, null, MetadataException.UNKNOWN_OFFSET, "metadata text", reason);
  }

  /** The devices must be exactly the PVs the text lists, each once. */
  private static void checkPvs(TextInfo info, List<PvScan> scans) throws MetadataException {
    Set<String> seen = new LinkedHashSet<>();
    for (PvScan s : scans) {
      for (MetadataException p : s.problems()) {
        // A bad copy of the text is replaced by this commit, as lvm2's next write does; a bad
        // label or area header means we do not know where it is safe to write.
        if (!p.structure().equals("metadata text")) {
          throw p;
        }
      }
      String id =
          s.pvUuid()
              .orElseThrow(
                  () ->
                      new MetadataException(
                          Kind.MISSING,
                          s.device().name(),
                          0,
                          "label_header",
                          "no LVM2 label in sectors 0-3"));
      if (!info.pvIds().contains(id)) {
        throw new MetadataException(
            Kind.INCONSISTENT,
            s.device().name(),
            s.label().get().byteOffset(),
            "pv_header",
            "PV "
                + PvHeader.dashed(id)
                + " is not listed in the metadata of VG '"
                + info.vgName()
                + "'");
      }
      if (!seen.add(id)) {
        throw new MetadataException(
            Kind.INCONSISTENT,
            s.device().name(),
            s.label().get().byteOffset(),
            "pv_header",
            "duplicate PV UUID " + PvHeader.dashed(id));
      }
    }
    for (String id : info.pvIds()) {
      if (!seen.contains(id)) {
        throw new MetadataException(
            Kind.MISSING,
            null,
            MetadataException.UNKNOWN_OFFSET,
            "volume group",
            "PV "
                + PvHeader.dashed(id)
                + " of VG '"
                + info.vgName()
                + "' is not among the devices");
      }
    }
  }

  /**
   * Checks an existing copy against the new seqno.
   *
   * @return true when the area already holds exactly this commit (a retried commit)
   */
  private static boolean checkSeqno(MetadataCopy old, TextInfo info, byte[] text)
      throws MetadataException {
    String vgName = info.vgName();
    long seqno = info.seqno();
    // The VG's identity is its UUID: a new name over the same UUID is a vgrename (lvm2 writes it
    // in place too); another UUID is another VG, never to be overwritten.
    boolean sameVg =
        old.vgName().equals(vgName) || (!old.vgId().isEmpty() && old.vgId().equals(info.vgId()));
    if (!sameVg) {
      throw new MetadataException(
          Kind.INCONSISTENT,
          old.device(),
          old.textOffset(),
          "metadata text",
          old.mdaName() + " holds metadata of another VG, '" + old.vgName() + "'");
    }
    if (old.seqno() == seqno && Arrays.equals(old.text(), text)) {
      return true;
    }
    if (old.seqno() >= seqno) {
      throw new MetadataException(
          Kind.INCONSISTENT,
          old.device(),
          old.textOffset(),
          "metadata text",
          "new seqno "
              + seqno
              + " is not above seqno "
              + old.seqno()
              + " already in "
              + old.mdaName()
              + (old.seqno() == seqno ? " with different text" : ""));
    }
    return false;
  }

  private static void markPvsUsed(List<PvScan> scans) throws IOException {
    for (PvScan s : scans) {
      Label l = s.label().get();
      PvHeader h = l.pvHeader();
      if (h.inUse() && h.extensionVersion() >= DiskFormat.PV_HEADER_EXTENSION_VSN) {
        continue;
      }
      PvHeader used =
          new PvHeader(
              h.uuid(),
              h.deviceSize(),
              h.dataAreas(),
              h.metadataAreas(),
              DiskFormat.PV_HEADER_EXTENSION_VSN,
              h.extensionFlags() | DiskFormat.PV_EXT_USED,
              h.bootloaderAreas());
      LabelWriter.write(s.device(), new Label(l.sector(), 0, l.contentsOffset(), used));
      s.device().flush();
    }
  }

  static void flushAll(List<DiskDevice> devices) throws IOException {
    Set<DiskDevice> done = new LinkedHashSet<>();
    for (DiskDevice d : devices) {
      if (done.add(d)) {
        d.flush();
      }
    }
  }

  private static void flush(List<Target> targets) throws IOException {
    Set<DiskDevice> done = new LinkedHashSet<>();
    for (Target t : targets) {
      if (done.add(t.pv().device())) {
        t.pv().device().flush();
      }
    }
  }

  /**
   * Makes PVs orphans again, as lvm2 does on vgremove/vgreduce: both slots of every area are
   * cleared (the text bytes stay) and the "used" flag is removed from the PV header.
   */
  public static void release(List<? extends DiskDevice> devices) throws IOException {
    for (PvScan s : new DeviceScanner().scan(devices)) {
      Label l =
          s.label()
              .orElseThrow(
                  () ->
                      s.problems().isEmpty()
                          ? new MetadataException(
                              Kind.MISSING,
                              s.device().name(),
                              0,
                              "label_header",
                              "no LVM2 label in sectors 0-3")
                          : s.problems().get(0));
      for (AreaScan a : s.areas()) {
        if (a.header().isPresent()) {
          MdaHeader h = a.header().get();
          RawLocn slot0 =
              h.ignored() ? RawLocn.EMPTY.withFlags(DiskFormat.RAW_LOCN_IGNORED) : RawLocn.EMPTY;
          MdaHeaderCodec.write(s.device(), h.withSlots(slot0, RawLocn.EMPTY));
        }
      }
      PvHeader h = l.pvHeader();
      LabelWriter.write(
          s.device(),
          new Label(
              l.sector(),
              0,
              l.contentsOffset(),
              h.withExtensionFlags(h.extensionFlags() & ~DiskFormat.PV_EXT_USED)));
      s.device().flush();
    }
  }
}
