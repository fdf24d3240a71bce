package io.clvm.cluster.reduce;

import java.util.List;

/**
 * What the node running a reduce asks of the others before it commits: load the tables of {@code
 * lvUuids} as the VG text {@code text} (at {@code seqno}, the seqno the commit will get) has them,
 * then acknowledge. Only the {@code targets} (the nodes that had one of the LVs active when the
 * round began) act on it.
 *
 * @param id unique per round, so that an answer is never taken for another round's
 * @param from the node running the reduce (its session owns the intent znode)
 */
public record ReduceIntent(
    String id, String from, long seqno, List<String> lvUuids, List<String> targets, String text) {
  public ReduceIntent {
    lvUuids = List.copyOf(lvUuids);
    targets = List.copyOf(targets);
  }

  /** Whether {@code node} must load the smaller tables. */
  public boolean targets(String node) {
    return targets.contains(node);
  }
}
