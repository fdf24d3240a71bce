package io.clvm.daemon;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.fence.LocalTables;
import io.clvm.cluster.propagate.ApplyCallback;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.control.CommandExecutor;
import java.io.IOException;

/**
 * What the command engine plugs into the daemon: found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.clvm.daemon.DaemonBackend} file naming the engine's class), so that
 * io.clvm.daemon does not depend on io.clvm.engine. Called in this order at start: {@link
 * #metadataDisks}, {@link #applyCallback}, {@link #localTables}, then, once the cluster services
 * are up, {@link #commandExecutor}.
 */
public interface DaemonBackend extends AutoCloseable {
  /** The shared disks' metadata areas (device scan with the configured filter, fmt-disk store). */
  MetadataDisks metadataDisks(DaemonConfig config) throws IOException;

  /** Reloads this node's tables when a VG's committed seqno moves. */
  ApplyCallback applyCallback(DaemonConfig config) throws IOException;

  /** This node's device-mapper tables, for fencing. */
  LocalTables localTables(DaemonConfig config) throws IOException;

  /** Runs CLI commands sent to the control socket, using {@code cluster}. */
  CommandExecutor commandExecutor(DaemonConfig config, ClusterNode cluster) throws IOException;

  @Override
  default void close() throws Exception {}
}
