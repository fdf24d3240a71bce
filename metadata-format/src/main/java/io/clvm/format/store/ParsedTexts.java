package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.LvmCrc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata texts already parsed, shared by every scan of a long-running process (clvmd): a text
 * read again from a metadata area (the same VG version, seen by the next command, by the commit's
 * roll-forward check, by the precommit's scan) is not lexed and parsed again. Content-addressed: an
 * entry is used only for a text whose bytes are equal to the parsed ones, so it can never be stale
 * — another node's or lvm2's commit writes other bytes, which miss. The disks are still read on
 * every scan; only the parse is saved.
 *
 * <p>An entry keeps the text's bytes, its {@link Summary} and, for the model layer, one value
 * derived from it ({@link #model}: clvmd's imported VG). The parsed tree is kept only while no
 * model is attached and only for texts up to {@code maxTreeText} bytes: a tree takes about seven
 * times its text in the heap, a model about two, so a VG of 10,000 LVs (2.8 MB of text) is kept as
 * its bytes and model (~8 MB) and never as its tree (~18 MB).
 *
 * <p>Bounded by entries and by the estimated heap the entries hold (the least recently used go
 * first): a VG's current and previous versions are what a command needs. Thread-safe.
 */
public final class ParsedTexts {
  /** Heap per text byte of a parsed tree (measured: 18 MB for a 2.8 MB text). */
  static final int TREE_FACTOR = 7;

  /** Heap per text byte of an imported model (measured: 5 MB for a 2.8 MB text). */
  static final int MODEL_FACTOR = 2;

  private final int maxEntries;
  private final long maxHeap;
  private final int maxTreeText;
  private final LinkedHashMap<Long, List<Entry>> byKey = new LinkedHashMap<>(16, 0.75f, true);
  private long heap;
  private int entries;
  private long hits;
  private long misses;

  /** One kept text. Guarded by the cache's monitor. */
  private static final class Entry {
    final byte[] text;
    TextInfo info;
    Object model;

    Entry(byte[] text, TextInfo info, Object model) {
      this.text = text;
      this.info = info;
      this.model = model;
    }

    long heap() {
      long len = text.length;
      return len
          + (info.tree() == null ? 0 : TREE_FACTOR * len)
          + (model == null ? 0 : MODEL_FACTOR * len);
    }
  }

  /**
   * @param maxEntries distinct texts kept
   * @param maxHeap the estimated heap they may hold (text, trees, models)
   */
  public ParsedTexts(int maxEntries, long maxHeap) {
    this(maxEntries, maxHeap, Integer.MAX_VALUE);
  }

  /**
   * @param maxEntries distinct texts kept
   * @param maxHeap the estimated heap they may hold (text, trees, models)
   * @param maxTreeText the largest text whose tree is kept: a larger one is kept without it (a
   *     reader that needs its model and finds none attached parses it again)
   */
  public ParsedTexts(int maxEntries, long maxHeap, int maxTreeText) {
    this.maxEntries = maxEntries;
    this.maxHeap = maxHeap;
    this.maxTreeText = maxTreeText;
  }

  /** Texts found parsed. */
  public synchronized long hits() {
    return hits;
  }

  /** Texts parsed. */
  public synchronized long misses() {
    return misses;
  }

  /** Texts kept now. */
  public synchronized int size() {
    return entries;
  }

  /** The CRC this cache buckets a text by: lvm2's, over the text and its NUL (as stored). */
  static long key(byte[] text, int len) {
    int crc = LvmCrc.update(LvmCrc.INITIAL, text, 0, len);
    crc = LvmCrc.update(crc, new byte[1], 0, 1);
    return ((long) len << 32) ^ Integer.toUnsignedLong(crc);
  }

  /** What a store needs to know of a text: its VG's name, id and seqno, and the PVs it lists. */
  public record Summary(String vgName, String vgId, long seqno, List<String> pvIds) {
    public Summary {
      pvIds = List.copyOf(pvIds);
    }
  }

  /** The {@link Summary} of {@code text}, parsed now unless kept (then kept for the scans). */
  public Summary summary(byte[] text) throws MetadataException {
    TextInfo i =
        info(text, text.length, key(text, text.length), null, MetadataException.UNKNOWN_OFFSET);
    return new Summary(i.vgName(), i.vgId(), i.seqno(), i.pvIds());
  }

  /**
   * The parsed tree of {@code text}, parsed now unless kept with its tree (then kept, the tree only
   * if small enough); null when the text is kept without its tree.
   */
  public io.clvm.format.text.ConfigSection tree(byte[] text) throws MetadataException {
    return info(text, text.length, key(text, text.length), null, MetadataException.UNKNOWN_OFFSET)
        .tree();
  }

  /**
   * The value attached to {@code text} ({@link #attach}, {@link #printed}), or null when the text
   * is not kept or has none.
   */
  public synchronized Object model(byte[] text) {
    Entry e = find(key(text, text.length), text, text.length);
    return e == null ? null : e.model;
  }

  /**
   * Attaches {@code model}, derived from {@code text} by the caller, to the kept text (if kept) and
   * drops its tree: whoever needed the tree wanted the model.
   */
  public synchronized void attach(byte[] text, Object model) {
    Entry e = find(key(text, text.length), text, text.length);
    if (e != null && e.model == null) {
      heap -= e.heap();
      e.model = model;
      e.info = e.info.withoutTree();
      heap += e.heap();
      evict(e);
    }
  }

  /**
   * Keeps a text this process printed, with its summary and the model it was printed from, so that
   * the checks and scans that read it back (the precommit's check, the next command's scans) find
   * it parsed. The caller vouches that parsing {@code text} gives {@code summary} and {@code model}
   * (the printer's round trip, tested on lvm2's fixtures); other bytes still miss.
   */
  public void printed(byte[] text, Summary summary, Object model) {
    TextInfo info =
        new TextInfo(summary.vgName(), summary.vgId(), summary.seqno(), summary.pvIds(), null);
    put(key(text, text.length), new Entry(Arrays.copyOf(text, text.length), info, model));
  }

  /**
   * The parsed facts of {@code text[0, len)}, parsed now if not kept ({@code key}: the text's
   * {@link #key}, or any other number that equal texts share). The tree is null when the text was
   * kept without it.
   */
  TextInfo info(byte[] text, int len, long key, String device, long offset)
      throws MetadataException {
    synchronized (this) {
      Entry e = find(key, text, len);
      if (e != null) {
        hits++;
        return e.info;
      }
      misses++;
    }
    // Parsed outside the monitor: a large text takes a while, and other commands scan meanwhile.
    TextInfo info = TextInfo.of(text, len, device, offset);
    put(
        key,
        new Entry(Arrays.copyOf(text, len), len <= maxTreeText ? info : info.withoutTree(), null));
    return info;
  }

  private Entry find(long key, byte[] text, int len) {
    List<Entry> bucket = byKey.get(key);
    if (bucket != null) {
      for (Entry e : bucket) {
        if (Arrays.equals(e.text, 0, e.text.length, text, 0, len)) {
          return e;
        }
      }
    }
    return null;
  }

  private synchronized void put(long key, Entry e) {
    List<Entry> bucket = byKey.computeIfAbsent(key, k -> new ArrayList<>(1));
    for (Entry x : bucket) {
      if (Arrays.equals(x.text, e.text)) {
        if (x.model == null && e.model != null) {
          heap -= x.heap();
          x.model = e.model;
          x.info = x.info.withoutTree();
          heap += x.heap();
        }
        return; // parsed by another thread meanwhile
      }
    }
    bucket.add(e);
    heap += e.heap();
    entries++;
    evict(e);
  }

  /** Drops the least recently used entries until within bounds; {@code keep} stays, even alone. */
  private void evict(Entry keep) {
    Iterator<Map.Entry<Long, List<Entry>>> it = byKey.entrySet().iterator();
    while ((entries > maxEntries || heap > maxHeap) && it.hasNext()) {
      Map.Entry<Long, List<Entry>> oldest = it.next();
      if (oldest.getValue().contains(keep)) {
        continue;
      }
      for (Entry x : oldest.getValue()) {
        heap -= x.heap();
        entries--;
      }
      it.remove();
    }
  }
}
