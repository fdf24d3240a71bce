package io.clvm.cli.cluster;

import io.clvm.engine.Engine;
import io.clvm.engine.EngineException;
import picocli.CommandLine.Option;

/**
 * {@code --node NODE} and {@code --all-nodes} of lvchange and vgchange (integ): run the activation
 * on another node, or on every node of the cluster. clvmd takes them off the command line and sends
 * the command to those nodes (see {@link CliDaemonBackend}); they never reach the engine there. In
 * local mode they are refused.
 */
public final class RemoteOptions {
  @Option(
      names = "--node",
      paramLabel = "NODE",
      description = "Run on cluster node NODE (cluster mode), e.g. lvchange -ay --node n2 vg/lv.")
  String node;

  @Option(
      names = "--all-nodes",
      description =
          "Run on every node of the cluster (cluster mode), e.g. vgchange -ay --all-nodes.")
  boolean allNodes;

  /** Refuses the options where nobody took them off: local mode. */
  public void refuseLocal(Engine engine) throws EngineException {
    if ((node != null || allNodes) && engine.coordinator() == null) {
      throw new EngineException(
          "--node and --all-nodes need cluster mode (clvm enable-cluster, and clvmd running).",
          EngineException.INVALID);
    }
  }
}
