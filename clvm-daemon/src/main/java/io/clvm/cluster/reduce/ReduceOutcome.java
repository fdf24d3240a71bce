package io.clvm.cluster.reduce;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the nodes answered a reduce intent: loaded the smaller tables, failed (with the node's
 * reason), gave no answer in time, or dropped out (deactivated the LVs, or their session ended, so
 * they no longer map them through the cluster).
 */
public record ReduceOutcome(
    List<String> reduced, Map<String, String> failed, List<String> silent, List<String> gone) {
  public ReduceOutcome {
    reduced = List.copyOf(reduced);
    failed = Map.copyOf(failed);
    silent = List.copyOf(silent);
    gone = List.copyOf(gone);
  }

  /** True when every node that still has an LV active loaded the smaller tables. */
  public boolean ok() {
    return failed.isEmpty() && silent.isEmpty();
  }

  /** The nodes that did not reload and why: {@code node3 (failed: ...), node2 (no answer ...)}. */
  public String problems(long timeoutMs) {
    List<String> parts = new ArrayList<>();
    failed.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> parts.add(e.getKey() + " (failed: " + e.getValue() + ")"));
    silent.stream()
        .sorted()
        .forEach(n -> parts.add(n + " (no answer within " + timeoutMs + " ms)"));
    return String.join(", ", parts);
  }
}
