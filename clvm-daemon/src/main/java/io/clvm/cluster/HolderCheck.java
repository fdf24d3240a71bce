package io.clvm.cluster;

import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Decides whether the clvmd that registered a node id (the {@code nodes/<id>} payload of a session
 * other than ours) may still be alive. Another host: always taken for alive, since only ZooKeeper
 * can tell, by expiring its session. This host: alive if its pid runs a clvmd (a pid reused by an
 * unrelated program after a crash does not count), unless it is this very process (a daemon
 * restarted inside one JVM, as the in-process tests do).
 */
final class HolderCheck {
  private HolderCheck() {}

  /** The process table as {@link ProcessHandle} sees it: a pid's command line, if it runs. */
  static final LongFunction<Optional<String>> PROCESSES =
      pid ->
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .map(p -> p.info().commandLine().orElse(""));

  /** Why {@code holder} may be alive (for the refusal), or null when it is dead or ourselves. */
  static String liveHolder(NodeInfo self, NodeInfo holder) {
    return liveHolder(self, holder, PROCESSES);
  }

  static String liveHolder(
      NodeInfo self, NodeInfo holder, LongFunction<Optional<String>> processes) {
    if (!holder.host().equals(self.host())) {
      return "clvmd pid " + holder.pid() + " on host " + holder.host();
    }
    if (holder.pid() == self.pid()) {
      return null;
    }
    Optional<String> cmd = processes.apply(holder.pid());
    if (cmd.isPresent() && cmd.get().contains("io.clvm.daemon.Main")) {
      return "clvmd pid " + holder.pid() + ", running on this host";
    }
    return null;
  }
}
