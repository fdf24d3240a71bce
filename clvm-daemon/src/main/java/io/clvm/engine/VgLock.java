package io.clvm.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A host-local lock on one VG (or on the orphan PVs), like lvm2's {@code locking_type=1}: a file
 * {@code V_<vg>} or {@code P_orphans} in the lock directory, locked with flock-style exclusive
 * locks, so that concurrent commands on this host serialize per VG. Threads of one JVM (clvmd) also
 * take an in-process lock first, because file locks are per process.
 */
public final class VgLock implements AutoCloseable {
  private static final Map<String, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;
  // integ: a cluster lock in cluster mode (then the three fields above are null).
  private final AutoCloseable other;

  private VgLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
    this.other = null;
  }

  private VgLock(AutoCloseable other) {
    this.threadLock = null;
    this.channel = null;
    this.fileLock = null;
    this.other = other;
  }

  /** integ: wraps another lock (clvmd's cluster lock) so that the operations need not know. */
  public static VgLock of(AutoCloseable other) {
    return new VgLock(other);
  }

  /** Waits for and takes the write lock of VG {@code vgName}. */
  public static VgLock vg(Path dir, String vgName) throws EngineException {
    return take(dir, "V_" + vgName);
  }

  /** Waits for and takes the lock on orphan PVs (pvcreate, vgcreate, vgextend, vgreduce). */
  public static VgLock orphans(Path dir) throws EngineException {
    return take(dir, "P_orphans");
  }

  private static VgLock take(Path dir, String name) throws EngineException {
    Path file = dir.resolve(name);
    ReentrantLock t = IN_PROCESS.computeIfAbsent(file.toString(), k -> new ReentrantLock(true));
    t.lock();
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      return new VgLock(t, ch, ch.lock());
    } catch (IOException | RuntimeException e) {
      t.unlock();
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // the lock was not taken; nothing to release
        }
      }
      throw new EngineException(
          "Failed to lock "
              + name
              + " in "
              + dir
              + ": "
              + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
              + " (set global.lock_dir in the configuration)");
    }
  }

  @Override
  public void close() {
    if (other != null) {
      try {
        other.close();
      } catch (Exception e) {
        // the cluster lock's release is retried by Curator; the command's result stands
      }
      return;
    }
    try {
      fileLock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel releases the lock anyway
    } finally {
      threadLock.unlock();
    }
  }
}
