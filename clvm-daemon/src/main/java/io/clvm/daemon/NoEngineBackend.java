package io.clvm.daemon;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.MdaState;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.CommandExecutor;
import io.clvm.daemon.control.ControlProtocol;
import io.clvm.daemon.control.ControlResponse;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend when no engine is on the class path: the cluster services run (locks, status,
 * propagation bookkeeping), but commands and disk access say plainly that they are unavailable.
 */
final class NoEngineBackend implements DaemonBackend {
  private static final Logger LOG = LoggerFactory.getLogger(NoEngineBackend.class);
  private static final String WHY = "this clvmd has no command engine (io.clvm.engine backend)";

  @Override
  public MetadataDisks metadataDisks(DaemonConfig config) {
    return new MetadataDisks() {
      @Override
      public Optional<CommittedVg> readCommitted(String vgUuid) throws ClusterStateException {
        throw new ClusterStateException(WHY + ": cannot read VG " + vgUuid);
      }

      @Override
      public List<MdaState> precommit(String vgUuid, long seqno, String text)
          throws ClusterStateException {
        throw new ClusterStateException(WHY + ": cannot write VG " + vgUuid);
      }

      @Override
      public void commit(String vgUuid, long seqno, List<MdaState> slots)
          throws ClusterStateException {
        throw new ClusterStateException(WHY + ": cannot write VG " + vgUuid);
      }
    };
  }

  @Override
  public ApplyCallback applyCallback(DaemonConfig config) {
    return vg ->
        LOG.info("VG {} now at seqno {} (no tables to reload: {})", vg.vgUuid(), vg.seqno(), WHY);
  }

  @Override
  public LocalTables localTables(DaemonConfig config) {
    return new LocalTables() {
      @Override
      public void fence(String vgUuid, String lvUuid) {
        LOG.error("cannot fence {}/{}: {}", vgUuid, lvUuid, WHY);
      }

      @Override
      public void unfence(String vgUuid, String lvUuid) {}
    };
  }

  @Override
  public CommandExecutor commandExecutor(DaemonConfig config, ClusterNode cluster) {
    return (request, peer) ->
        ControlResponse.error(
            ControlProtocol.EXIT_FAILED,
            "clvmd: " + request.command() + " is not available: " + WHY);
  }
}
