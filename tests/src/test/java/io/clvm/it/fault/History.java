package io.clvm.it.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything that happened in one run, in one list: each operation (worker, node, command, start,
 * end, exit status, output) and each fault (start, end, what), with times in milliseconds since the
 * run started. Violations quote the entries around them.
 */
final class History {
  /** One operation or fault. {@code end} is -1 while it runs. */
  static final class Entry {
    final int id;
    final String who;
    final int node;
    final String what;
    final long start;
    volatile long end = -1;
    volatile int exit = Integer.MIN_VALUE;
    volatile String result = "";

    Entry(int id, String who, int node, String what, long start) {
      this.id = id;
      this.who = who;
      this.node = node;
      this.what = what;
      this.start = start;
    }

    boolean isFault() {
      return who.equals("fault");
    }

    @Override
    public String toString() {
      String r = result.length() > 300 ? result.substring(0, 300) + "..." : result;
      return String.format(
              "#%d %7d..%-7s %-5s node%d %s%s",
              id,
              start,
              end < 0 ? "running" : Long.toString(end),
              who,
              node,
              what,
              exit == Integer.MIN_VALUE
                  ? (r.isEmpty() ? "" : " -> " + r)
                  : " -> exit " + exit + " " + r)
          .replace('\n', ' ');
    }
  }

  private final long t0 = System.nanoTime();
  private final List<Entry> entries = new ArrayList<>();

  long now() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  synchronized Entry begin(String who, int node, String what) {
    Entry e = new Entry(entries.size(), who, node, what, now());
    entries.add(e);
    return e;
  }

  void end(Entry e, int exit, String result) {
    e.exit = exit;
    e.result = result;
    e.end = now();
  }

  void endFault(Entry e, String result) {
    e.result = result;
    e.end = now();
  }

  synchronized List<Entry> snapshot() {
    return new ArrayList<>(entries);
  }

  synchronized long count(boolean faults) {
    return entries.stream().filter(e -> e.isFault() == faults).count();
  }

  /** The entries overlapping [from - 3 s, to + 1 s], at most {@code max}, nearest last. */
  synchronized String around(long from, long to, int max) {
    List<Entry> near = new ArrayList<>();
    for (Entry e : entries) {
      long end = e.end < 0 ? Long.MAX_VALUE : e.end;
      if (end >= from - 3000 && e.start <= to + 1000) {
        near.add(e);
      }
    }
    near.sort(Comparator.comparingLong(e -> e.start));
    List<Entry> shown = near.subList(Math.max(0, near.size() - max), near.size());
    StringBuilder b = new StringBuilder();
    for (Entry e : shown) {
      b.append("    ").append(e).append('\n');
    }
    return b.toString();
  }

  /** The operations whose command names {@code lv} (a word of it), one line each. */
  synchronized String mentioning(String lv) {
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      if (!e.isFault() && (" " + e.what + " ").matches(".*[ /]" + lv + " .*")) {
        b.append("    ").append(e).append('\n');
      }
    }
    return b.toString();
  }

  /** The faults, one line each. */
  synchronized String faults() {
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      if (e.isFault()) {
        b.append("    ").append(e).append('\n');
      }
    }
    return b.toString();
  }
}
