package io.clvm.daemon.backend;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.commit.CommitResult;
import io.clvm.cluster.commit.VgChange;
import io.clvm.cluster.lock.LockHandle;
import io.clvm.cluster.reduce.ReduceOutcome;
import io.clvm.cluster.reduce.ReduceRound;
import io.clvm.engine.EngineException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A reduce of LVs that are active on other nodes: "reload everywhere first, then commit"
 * (design.md, no stale mappings). Under the VG lock: publish the intent with the new VG text, wait
 * (bounded) until every node with one of the LVs active has loaded the smaller table, and only then
 * commit, with the commit point conditional on the intent still existing. If a node fails or does
 * not answer in time, the intent is withdrawn, the nodes reload the committed (old) tables, and the
 * command is refused naming the nodes: nothing is committed.
 */
final class ReduceFirst {
  private final ClusterNode cluster;
  private final String label;

  ReduceFirst(ClusterNode cluster, String label) {
    this.cluster = cluster;
    this.label = label;
  }

  /**
   * @param lvs the LVs to reduce elsewhere first: UUID to {@code vg/lv} (for messages)
   * @param change the commit's change, whose text must be {@code text}
   */
  CommitResult commit(
      LockHandle lock,
      String vgUuid,
      long seqno,
      String text,
      Map<String, String> lvs,
      VgChange change)
      throws IOException, InterruptedException, EngineException {
    try (ReduceRound round = cluster.reductions().begin(lock, vgUuid, seqno, text, lvs.keySet())) {
      ReduceOutcome outcome = round.awaitReloaded();
      if (!outcome.ok()) {
        round.close(); // withdraw, and wait (bounded) for the old tables to come back
        throw new EngineException(refusal(lvs, outcome, round));
      }
      CommitResult r =
          cluster.protocol().commitUnderLock(lock, vgUuid, label, change, round.commitConditions());
      round.committed();
      return r;
    }
  }

  private static String refusal(Map<String, String> lvs, ReduceOutcome outcome, ReduceRound round) {
    List<String> restored = new ArrayList<>(round.answered());
    restored.removeAll(round.unconfirmedRestores());
    StringBuilder b =
        new StringBuilder("Cannot reduce ")
            .append(String.join(", ", lvs.values()))
            .append(": the smaller table was not loaded on node(s) ")
            .append(outcome.problems(round.timeout().toMillis()))
            .append(". Nothing was committed");
    if (!restored.isEmpty()) {
      b.append("; the old table is loaded again on ").append(String.join(", ", restored));
    }
    if (!round.unconfirmedRestores().isEmpty()) {
      b.append("; not yet confirmed by ")
          .append(String.join(", ", round.unconfirmedRestores()))
          .append(" (it reloads the old table when it sees the round withdrawn)");
    }
    return b.append('.').toString();
  }
}
