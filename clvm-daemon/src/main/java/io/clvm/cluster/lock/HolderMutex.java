package io.clvm.cluster.lock;

import io.clvm.cluster.Json;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * Curator's fair (FIFO: sequential znodes, each waiter watches only its predecessor) mutex whose
 * lock node carries a {@link LockHolder} payload. InterProcessMutex asks {@link
 * #getLockNodeBytes()} for the data of the node it creates, which is the hook
 * InterProcessReadWriteLock uses too; one instance serves one acquisition. Its {@link
 * RecordingDriver} tells clvm which lock nodes the acquisition made.
 */
final class HolderMutex extends InterProcessMutex {
  private final byte[] payload;

  HolderMutex(CuratorFramework client, String path, LockHolder holder, RecordingDriver driver) {
    super(client, path, driver);
    this.payload = Json.write(holder);
  }

  @Override
  protected byte[] getLockNodeBytes() {
    return payload;
  }
}
