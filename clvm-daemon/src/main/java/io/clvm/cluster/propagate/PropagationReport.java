package io.clvm.cluster.propagate;

import java.util.List;

/** How many of the nodes with a changed LV active applied a commit in time, and who did not. */
public record PropagationReport(long seqno, List<String> applied, List<String> laggards) {
  public int expected() {
    return applied.size() + laggards.size();
  }

  /** {@code applied on 2/3 nodes (not applied in time: n3)}, the line the user sees. */
  public String summary() {
    String s = "applied on " + applied.size() + "/" + expected() + " nodes";
    return laggards.isEmpty()
        ? s
        : s + " (not applied in time: " + String.join(", ", laggards) + ")";
  }
}
