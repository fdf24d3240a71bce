package io.clvm.it.harness;

import java.nio.file.Path;

/**
 * A cluster fixture whose nodes are reached through the CLI in cluster mode: {@code clvm args...}
 * "on node n" is the CLI run with node n's configuration, hence forwarded to node n's clvmd.
 */
public interface NodesCli {
  /** Node {@code node}'s clvm.conf. */
  Path config(int node);

  /** Runs {@code clvm args...} on {@code node} (in cluster mode: through its clvmd). */
  default CliResult run(int node, String... args) {
    return InProcessCli.run(config(node), args);
  }

  /** Like {@link #run}, failing the test unless the command succeeds. */
  default CliResult ok(int node, String... args) {
    return InProcessCli.ok("node" + node, config(node), args);
  }
}
