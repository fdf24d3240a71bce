package io.clvm.cluster.lock;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;

/**
 * Curator's lock driver (protected-mode ephemeral sequential create) that tells the {@link
 * LockLedger} about every node it creates, so that a node no handle owns can be told from a node an
 * acquisition is waiting with. One instance serves one acquisition; Curator may create more than
 * one node for it (it starts over when its node vanished), all listed in {@link #created()}.
 */
final class RecordingDriver extends StandardLockInternalsDriver {
  private final LockLedger ledger;
  private final OrphanSweeper sweeper;
  private final List<String> created = new ArrayList<>();

  RecordingDriver(LockLedger ledger, OrphanSweeper sweeper) {
    this.ledger = ledger;
    this.sweeper = sweeper;
  }

  @Override
  public String createsTheLock(CuratorFramework client, String path, byte[] lockNodeBytes)
      throws Exception {
    String dir = path.substring(0, path.lastIndexOf('/'));
    ledger.beginCreate(dir);
    String node = null;
    try {
      node = super.createsTheLock(client, path, lockNodeBytes);
      synchronized (this) {
        created.add(node);
      }
      return node;
    } finally {
      // A failed create may still have made its node on the servers (its answer was lost):
      // the ledger then owes the directory a sweep.
      if (ledger.endCreate(dir, node)) {
        sweeper.sweepLater(dir);
      }
    }
  }

  /** The nodes this acquisition created, oldest first. */
  synchronized List<String> created() {
    return List.copyOf(created);
  }
}
