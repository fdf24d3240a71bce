package io.clvm.cluster.commit;

import io.clvm.cluster.propagate.PropagationReport;
import java.util.Optional;

/**
 * A commit that reached the commit point. {@code warning} is set when something after the commit
 * point did not complete (the disk commit, left to the next writer's roll-forward, or the
 * propagation wait): the change itself is durable either way. {@code capacity} is the metadata
 * areas' 80 % warning the disks computed for the committed text (see {@link
 * MetadataDisks#capacityWarning}), for the admin's terminal.
 */
public record CommitResult(
    long seqno,
    int attempts,
    boolean rolledForward,
    PropagationReport propagation,
    Optional<String> warning,
    Optional<String> capacity) {

  /** A result without a capacity warning. */
  public CommitResult(
      long seqno,
      int attempts,
      boolean rolledForward,
      PropagationReport propagation,
      Optional<String> warning) {
    this(seqno, attempts, rolledForward, propagation, warning, Optional.empty());
  }
}
