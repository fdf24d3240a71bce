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

  /**
   * Text bytes kept: 2–3 versions of a 10,000-LV VG (2.8 MB each); their trees and models take
   * several times that in the heap, which clvmd's -Xmx256m must hold beside one command's copies.
   */
  static final long BYTES = 8L << 20;

  private final ParsedTexts texts = new ParsedTexts(ENTRIES, BYTES);
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
      keep(tree, m);
    }
    return m;
  }

  /** Keeps the model imported from {@code tree}. */
  synchronized void keep(ConfigSection tree, VgMetadata model) {
    if (tree != null) {
      models.put(new Tree(tree), model);
    }
  }
}
