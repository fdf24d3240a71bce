package io.clvm.engine;

import io.clvm.format.MetadataException;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.ParsedTexts;
import io.clvm.format.text.ConfigSection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * clvmd's parsed metadata, shared by all its commands and scans: each distinct metadata text is
 * lexed and parsed once and imported into the model once ({@link ParsedTexts}, content-addressed:
 * the bytes read from the disks must equal the kept ones). Every command still reads the disks
 * under its lock, so another node's or lvm2's commit is always seen: its text is new bytes, which
 * miss. What is saved is the CPU of parsing the same VG version again, 3–5 times per write command
 * before (the lock's repair check, the engine's scan, the roll-forward check, the precommit, the
 * rescan after the commit), and, for a text this daemon printed itself ({@link #printOnDisk}), the
 * parse altogether: the model it was printed from is the model the text parses to.
 *
 * <p>A model is kept with its text's bytes, not with the parsed tree (which takes three times the
 * model's heap): a VG of 10,000 LVs stays parsed within clvmd's -Xmx256m. The model classes are
 * immutable, so commands may share one.
 */
public final class ParsedVgs {
  /** Distinct texts kept: a VG's current and previous versions, for a few VGs. */
  static final int ENTRIES = 8;

  /**
   * Estimated heap of the kept texts, trees and models: three versions of a 10,000-LV VG (2.8 MB of
   * text and a 5 MB model each) beside one command's transient copies in -Xmx256m.
   */
  static final long HEAP = 32L << 20;

  /**
   * The largest text whose parsed tree is kept until its model is imported: about 3,500 LVs of one
   * segment (a tree takes seven times its text). A larger text whose model is not attached yet is
   * parsed again by the reader that imports it.
   */
  static final int MAX_TREE_TEXT = 1 << 20;

  private final ParsedTexts texts = new ParsedTexts(ENTRIES, HEAP, MAX_TREE_TEXT);

  /** The parsed texts, for the store's scans and precommits. */
  public ParsedTexts texts() {
    return texts;
  }

  /** The model of {@code text} (a metadata area's text, without NUL), if kept. */
  VgMetadata model(byte[] text) {
    return (VgMetadata) texts.model(text);
  }

  /** Keeps {@code model}, imported from {@code text}, with the text (if the text is kept). */
  void keep(byte[] text, VgMetadata model) {
    texts.attach(text, model);
  }

  /**
   * The model of {@code text} read from a metadata area ({@code device}, {@code offset}, for
   * messages), imported from {@code tree} (the scan's parse of it, null: parsed now) unless kept;
   * then kept.
   */
  VgMetadata model(byte[] text, String device, long offset, ConfigSection tree)
      throws MetadataException {
    VgMetadata m = model(text);
    if (m == null) {
      m = MetadataText.parse(text, 0, text.length, device, offset, tree);
      keep(text, m);
    }
    return m;
  }

  /**
   * The model of a whole metadata text (a copy of record from ZooKeeper: the same bytes the disks
   * hold, so usually parsed already by a scan or printed by this node's own commit).
   */
  public VgMetadata parse(String text) throws MetadataException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    VgMetadata m = model(bytes);
    if (m == null) {
      // Checked and kept as a scan keeps a text it reads, then imported.
      ConfigSection tree = texts.tree(bytes);
      m = model(bytes, null, MetadataException.UNKNOWN_OFFSET, tree);
    }
    return m;
  }

  /**
   * Prints {@code m} in the on-disk flavour and keeps the text with {@code m} as its model: the
   * precommit's check of the text and the scans that read it back find it parsed, as if this daemon
   * had read it from the disks. (Printing then parsing gives the same model and summary: {@code
   * ParsedVgsTest} checks it on lvm2's fixtures and on large VGs.)
   */
  public String printOnDisk(VgMetadata m) {
    String text = MetadataText.printOnDisk(m);
    texts.printed(text.getBytes(StandardCharsets.UTF_8), summary(m.vg()), m);
    return text;
  }

  /** What the store's parse of a text printed from {@code vg} says of it. */
  static ParsedTexts.Summary summary(VolumeGroup vg) {
    List<String> pvIds = new ArrayList<>(vg.pvs().size());
    for (PhysicalVolume pv : vg.pvs()) {
      pvIds.add(pv.id().raw());
    }
    return new ParsedTexts.Summary(vg.name(), vg.id().dashed(), vg.seqno(), pvIds);
  }
}
