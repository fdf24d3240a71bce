package io.clvm.cluster.lock;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which lock nodes this process still wants: the nodes of acquisitions that are waiting or held.
 * Any other node of this process's session under a lock directory is an orphan (a release whose
 * delete was lost, an acquisition that gave up after its create had reached the servers), which
 * would block every other writer for as long as the session lives.
 *
 * <p>A create whose answer has not come back yet makes a node the ledger cannot name, so a sweep of
 * that directory waits for it, and a create waits while its directory is being swept.
 */
final class LockLedger {
  private final Set<String> wanted = new HashSet<>();
  private final Map<String, Integer> creating = new HashMap<>();
  private final Set<String> sweeping = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> dirs = new HashSet<>();

  /** Before a create under {@code dir}: waits while {@code dir} is being swept. */
  synchronized void beginCreate(String dir) throws InterruptedException {
    while (sweeping.contains(dir)) {
      wait();
    }
    dirs.add(dir);
    creating.merge(dir, 1, Integer::sum);
  }

  /**
   * A create under {@code dir} ended, with the node it made ({@code node}) or none (failed: a node
   * may still have been made). True when {@code dir} now needs the sweep it was denied meanwhile.
   */
  synchronized boolean endCreate(String dir, String node) {
    if (node != null) {
      wanted.add(node);
    } else {
      dirty.add(dir);
    }
    int left = creating.merge(dir, -1, Integer::sum);
    if (left == 0) {
      creating.remove(dir);
      return dirty.contains(dir);
    }
    return false;
  }

  /** {@code nodes} are no longer wanted (released, or an acquisition gave up). */
  synchronized void unwanted(List<String> nodes) {
    nodes.forEach(wanted::remove);
  }

  /**
   * Starts a sweep of {@code dir}: the nodes wanted now, or null when a create under {@code dir} is
   * in flight (the sweep is owed then, and {@link #endCreate} reports it).
   */
  synchronized Set<String> startSweep(String dir) {
    if (creating.containsKey(dir) || sweeping.contains(dir)) {
      dirty.add(dir);
      return null;
    }
    sweeping.add(dir);
    dirty.remove(dir);
    return Set.copyOf(wanted);
  }

  /** Ends a sweep of {@code dir}; {@code ok} false leaves it owed. */
  synchronized void endSweep(String dir, boolean ok) {
    sweeping.remove(dir);
    if (!ok) {
      dirty.add(dir);
    }
    notifyAll();
  }

  /** Every lock directory this process has created a node in. */
  synchronized List<String> dirs() {
    return List.copyOf(dirs);
  }
}
