package io.clvm.cluster.commit;

import java.io.IOException;

/**
 * ZooKeeper and the disks disagree in a way the protocol must not repair by itself (disks ahead of
 * ZooKeeper: written behind the cluster's back), or a VG is not under cluster management.
 */
public final class ClusterStateException extends IOException {
  public ClusterStateException(String message) {
    super(message);
  }
}
