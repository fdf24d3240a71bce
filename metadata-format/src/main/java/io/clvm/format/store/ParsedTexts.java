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
 * <p>Bounded by entries and by text bytes (the least recently used go first): a VG's current and
 * previous versions are what a command needs. Thread-safe.
 */
public final class ParsedTexts {
  private final int maxEntries;
  private final long maxBytes;
  private final int maxText;
  private final LinkedHashMap<Long, List<Entry>> byKey = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private int entries;
  private long hits;
  private long misses;

  private record Entry(byte[] text, TextInfo info) {}

  /**
   * @param maxEntries distinct texts kept
   * @param maxBytes their total size
   */
  public ParsedTexts(int maxEntries, long maxBytes) {
    this(maxEntries, maxBytes, Integer.MAX_VALUE);
  }

  /**
   * @param maxEntries distinct texts kept
   * @param maxBytes their total size
   * @param maxText the largest text kept: a larger one is parsed on every read (its tree takes ten
   *     times its size in the heap)
   */
  public ParsedTexts(int maxEntries, long maxBytes, int maxText) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxText = maxText;
  }

  /** Whether a text of {@code len} bytes is kept once parsed. */
  public boolean keeps(int len) {
    return len <= maxText;
  }

  /** Texts found parsed. */
  public synchronized long hits() {
    return hits;
  }

  /** Texts parsed. */
  public synchronized long misses() {
    return misses;
  }

  /** The CRC this cache buckets a text by: lvm2's, over the text and its NUL (as stored). */
  static long key(byte[] text, int len) {
    int crc = LvmCrc.update(LvmCrc.INITIAL, text, 0, len);
    crc = LvmCrc.update(crc, new byte[1], 0, 1);
    return ((long) len << 32) ^ Integer.toUnsignedLong(crc);
  }

  /** What a store needs to know of a text: its VG's name, id and seqno, and the PVs it lists. */
  public record Summary(String vgName, String vgId, long seqno, List<String> pvIds) {}

  /** The {@link Summary} of {@code text}, parsed now unless kept (then kept for the scans). */
  public Summary summary(byte[] text) throws MetadataException {
    TextInfo i =
        info(text, text.length, key(text, text.length), null, MetadataException.UNKNOWN_OFFSET);
    return new Summary(i.vgName(), i.vgId(), i.seqno(), i.pvIds());
  }

  /** The parsed tree of {@code text}, parsed now unless kept (then kept). */
  public io.clvm.format.text.ConfigSection tree(byte[] text) throws MetadataException {
    return info(text, text.length, key(text, text.length), null, MetadataException.UNKNOWN_OFFSET)
        .tree();
  }

  /**
   * The parsed facts of {@code text[0, len)}, parsed now if not kept ({@code key}: the text's
   * {@link #key}, or any other number that equal texts share).
   */
  TextInfo info(byte[] text, int len, long key, String device, long offset)
      throws MetadataException {
    if (!keeps(len)) {
      return TextInfo.of(text, len, device, offset);
    }
    synchronized (this) {
      List<Entry> bucket = byKey.get(key);
      if (bucket != null) {
        for (Entry e : bucket) {
          if (Arrays.equals(e.text(), 0, e.text().length, text, 0, len)) {
            hits++;
            return e.info();
          }
        }
      }
      misses++;
    }
    // Parsed outside the monitor: a large text takes a while, and other commands scan meanwhile.
    TextInfo info = TextInfo.of(text, len, device, offset);
    put(key, new Entry(Arrays.copyOf(text, len), info));
    return info;
  }

  private synchronized void put(long key, Entry e) {
    List<Entry> bucket = byKey.computeIfAbsent(key, k -> new ArrayList<>(1));
    for (Entry x : bucket) {
      if (Arrays.equals(x.text(), e.text())) {
        return; // parsed by another thread meanwhile
      }
    }
    bucket.add(e);
    bytes += e.text().length;
    entries++;
    Iterator<Map.Entry<Long, List<Entry>>> it = byKey.entrySet().iterator();
    while ((entries > maxEntries || bytes > maxBytes) && it.hasNext()) {
      Map.Entry<Long, List<Entry>> oldest = it.next();
      if (oldest.getValue() == bucket && entries == 1) {
        break; // the one just parsed stays, even alone over the byte budget
      }
      for (Entry x : oldest.getValue()) {
        bytes -= x.text().length;
        entries--;
      }
      it.remove();
    }
  }
}
