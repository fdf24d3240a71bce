package io.clvm.cluster.lock;

/**
 * Who holds or waits for a cluster lock: stored as the payload of the holder's Curator lock node,
 * so that {@code clvm cluster status} on any node can show it.
 */
public record LockHolder(String node, long pid, String command, long since) {
  /** For lock nodes without clvm's payload (written by some other client of the ensemble). */
  public static final LockHolder UNKNOWN = new LockHolder("?", -1, "?", 0);
}
