package io.clvm.engine;

import io.clvm.format.model.VgMetadata;
import io.clvm.format.store.ParsedTexts;
import io.clvm.format.text.ConfigSection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * clvmd's parsed metadata, shared by all its commands and scans: each distinct metadata text is
 * lexed and parsed once ({@link ParsedTexts}, content-addressed: the bytes read from the disks must
 * equal the parsed ones) and imported into the model once. Every command still reads the disks
 * under its lock, so another node's or lvm2's commit is always seen: its text is new bytes, which
 * miss both caches. What is saved is the CPU of parsing the same VG version again, 3–5 times per
 * write command before (the lock's repair check, the engine's scan, the roll-forward check, the
 * precommit, the rescan after the commit).
 *
 * <p>A model is kept by the identity of the parsed tree it was imported from: {@link ParsedTexts}
 * hands out one tree per distinct text, so the same tree means the same bytes. The model classes
 * are immutable, so commands may share one.
 */
public final class ParsedVgs {
  /** Distinct texts kept: a VG's current and previous versions, for a few VGs. */
  static final int ENTRIES = 8;

  /** Text bytes kept in all. */
  static final long BYTES = 4L << 20;

  /**
   * The largest text kept, about 3,500 LVs of one segment: a text's tree and model take about ten
   * times its size in the heap, and clvmd's -Xmx256m must hold them beside one command's transient
   * copies (a 10,000-LV text is 2.8 MB: two versions kept ran a 10,000-LV lvextend out of heap).
   * Larger texts are parsed on every read, as before.
   */
  static final int MAX_TEXT = 1 << 20;

  private final ParsedTexts texts = new ParsedTexts(ENTRIES, BYTES, MAX_TEXT);
  private final Map<Tree, VgMetadata> models =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Tree, VgMetadata> eldest) {
          return size() > ENTRIES;
        }
      };

  /** The parsed texts, for the store's scans and precommits. */
  public ParsedTexts texts() {
    return texts;
  }

  /**
   * A tree as a key by identity: ConfigSection's own equals compares whole trees (and its hashCode
   * walks one), far too slow for a look-up.
   */
  private record Tree(ConfigSection root) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Tree t && t.root == root;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(root);
    }
  }

  /** The model imported from {@code tree}, if kept. */
  synchronized VgMetadata model(ConfigSection tree) {
    return tree == null ? null : models.get(new Tree(tree));
  }

  /**
   * The model of a whole metadata text (a copy of record from ZooKeeper: the same bytes the disks
   * hold, so usually parsed already by a scan or by this node's own precommit).
   */
  public VgMetadata parse(String text) throws io.clvm.format.MetadataException {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ConfigSection tree = texts.tree(bytes);
    VgMetadata m = model(tree);
    if (m == null) {
      m =
          io.clvm.format.model.MetadataText.parse(
              bytes, 0, bytes.length, null, io.clvm.format.MetadataException.UNKNOWN_OFFSET, tree);
      keep(tree, m, bytes.length);
    }
    return m;
  }

  /**
   * Keeps the model imported from {@code tree}, the parse of a text of {@code textBytes} bytes:
   * only if the text itself is kept (else its tree is never seen again, and would only hold heap).
   */
  synchronized void keep(ConfigSection tree, VgMetadata model, int textBytes) {
    if (tree != null && texts.keeps(textBytes)) {
      models.put(new Tree(tree), model);
    }
  }
}
