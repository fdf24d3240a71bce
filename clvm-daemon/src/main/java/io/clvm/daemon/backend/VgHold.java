package io.clvm.daemon.backend;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.commit.HeldState;
import io.clvm.cluster.lock.LockHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's share of one VG's cluster lock (docs/cluster-protocol.md, "Lock sharing and group
 * commit"). The commands of this clvmd for the VG queue on a node-local, fair mutex; the first one
 * takes the ZooKeeper lock and runs the reader's repair check, and the later ones use the same hold
 * without a ZooKeeper round trip and without the check (the node wrote the disks itself under this
 * hold: {@link HeldState} says so, and any failure makes the next commit read both again). The
 * ZooKeeper lock goes back when no command of this node holds or waits for the mutex, and after
 * {@code lock.shareMaxCommands} commands or {@code lock.shareMaxMs}, so that the other nodes,
 * queued in ZooKeeper's fair order, get their turn.
 *
 * <p>The ZooKeeper lock is taken and released on one thread of its own: Curator's mutex belongs to
 * the thread that took it, and the command that releases a shared hold is rarely the one that took
 * it. Everything but {@link #arriving} is guarded by the local mutex.
 */
public final class VgHold {
  private static final Logger LOG = LoggerFactory.getLogger(VgHold.class);

  private final String uuid;
  private final Supplier<ClusterNode> cluster;
  private final int maxCommands;
  private final long maxNanos;
  private final ReentrantLock local = new ReentrantLock(true);

  /** New commands waiting for the local mutex (not group members coming back). */
  private final AtomicInteger arriving = new AtomicInteger();

  private final ThreadPoolExecutor zkThread;

  private LockHandle zk;
  private final HeldState state = new HeldState();
  private int served;
  private long since;
  private PendingGroup group;

  /** The pending version last committed alone, and at which seqno (see {@link #asCommitted}). */
  private io.clvm.format.model.VolumeGroup flushed;

  private long flushedSeqno;

  VgHold(String uuid, Supplier<ClusterNode> cluster, int maxCommands, Duration maxAge) {
    this.uuid = uuid;
    this.cluster = cluster;
    this.maxCommands = maxCommands;
    this.maxNanos = maxAge.toNanos();
    this.zkThread =
        new ThreadPoolExecutor(
            1,
            1,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "clvmd-vg-lock-" + uuid);
              t.setDaemon(true);
              return t;
            });
    zkThread.allowCoreThreadTimeOut(true);
  }

  public String uuid() {
    return uuid;
  }

  /**
   * A new command of this node takes the VG: the local mutex (fair, up to {@code timeout}), then
   * the ZooKeeper lock and the repair check unless this node holds the lock already.
   */
  public void enter(String label, Duration timeout) throws IOException, InterruptedException {
    lock(label, timeout, true);
  }

  /**
   * A group member comes back after its group's commit, when the rest of its command needs the lock
   * (an activation, another commit); one that needs nothing more never comes back.
   */
  void reenter(String label, Duration timeout) throws IOException, InterruptedException {
    lock(label, timeout, false);
  }

  private void lock(String label, Duration timeout, boolean fresh)
      throws IOException, InterruptedException {
    if (fresh) {
      arriving.incrementAndGet();
    }
    boolean locked;
    try {
      locked = local.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      if (fresh) {
        arriving.decrementAndGet();
      }
    }
    if (!locked) {
      throw new io.clvm.cluster.lock.LockTimeoutException(
          "timed out after "
              + timeout.toMillis()
              + " ms waiting for VG "
              + uuid
              + " behind other commands of this node");
    }
    try {
      if (zk != null && !stillTrusted()) {
        // The connection was interrupted during this hold: the lock may be gone with the session,
        // and every write under it would be refused. A group made under it fails (nothing of it
        // was written); the hold is let go and taken anew.
        if (group != null) {
          group.failed(
              new io.clvm.cluster.ClusterUnavailableException(
                  "the ZooKeeper connection was interrupted while the changes waited for their"
                      + " group's commit: nothing was written"));
          group = null;
        }
        releaseZk();
      }
      if (zk == null) {
        zk = acquireZk(label, timeout);
        served = 0;
        since = System.nanoTime();
        try {
          // A reader's repair: a committer that died between the commit point and the disk
          // commit left the disks behind the copy of record; bring them forward before the engine
          // reads. What it read is kept for the commits of this hold (HeldState).
          cluster.get().protocol().checkUnderLock(zk, uuid, state);
        } catch (IOException | InterruptedException | RuntimeException e) {
          // the lock must not outlive a failed check (a storage outage would otherwise leave it
          // held until the daemon stops, and every other command on every node would time out)
          releaseZk();
          throw e;
        }
      } else if (fresh) {
        cluster.get().metrics().lockShared();
      }
      if (fresh) {
        served++;
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      local.unlock();
      throw e;
    }
    // DEBUG step lines, as CommitProtocol's: the benchmark's profile measures the lock's hold.
    LOG.debug("VG {}: {}", uuid, fresh ? "LOCKED" : "RELOCKED");
  }

  /**
   * The command is done with the VG: the ZooKeeper lock goes back when nobody else of this node
   * wants the VG, or when this hold has served its bound; then the local mutex. A pending group is
   * committed first ({@code commitGroup}, the caller's: it knows how to commit) when nobody new
   * waits to add to it or the lock goes back: a group never outlives the hold it was made under.
   * (Tests line commands up behind a hold they {@link #enter} and leave themselves.)
   */
  public void leave(Runnable commitGroup) {
    if (!local.isHeldByCurrentThread()) {
      return; // a member that could not come back after its group
    }
    try {
      // Decided once: the bound is a clock, and a group must not be left pending while the lock
      // goes back because the clock moved between two looks.
      boolean release =
          zk != null && (atBound() || (arriving.get() == 0 && !local.hasQueuedThreads()));
      if (group != null && (release || arriving.get() == 0)) {
        commitGroup.run();
      }
      if (release) {
        releaseZk();
      }
      LOG.debug("VG {}: UNLOCKED", uuid);
    } finally {
      local.unlock();
    }
  }

  /** A group member lets the next command in while its change waits in the pending group. */
  void stepAside() {
    local.unlock();
  }

  /** Whether the calling thread holds the local mutex. */
  boolean heldByMe() {
    return local.isHeldByCurrentThread();
  }

  /**
   * Whether a command's plain change may wait for a later one of the group: another command of this
   * node waits for the VG, this hold lasts for it, and the group stays under the bound.
   */
  boolean mayDefer() {
    int size = group == null ? 1 : group.size() + 1;
    return arriving.get() > 0 && !atBound() && size < maxCommands;
  }

  /** Whether writes under this hold's lock would still pass the connection guard. */
  private boolean stillTrusted() {
    try {
      cluster.get().guard().check(zk.token());
      return true;
    } catch (io.clvm.cluster.ClusterUnavailableException e) {
      return false;
    }
  }

  private boolean atBound() {
    return served >= maxCommands || System.nanoTime() - since >= maxNanos;
  }

  /** The ZooKeeper lock of this hold (held by the caller's command). */
  LockHandle lock() {
    return zk;
  }

  /** What was checked of the VG under this hold. */
  HeldState state() {
    return state;
  }

  /** The pending group, or null. */
  PendingGroup group() {
    return group;
  }

  void group(PendingGroup g) {
    this.group = g;
  }

  /** A pending group's version was committed alone at {@code seqno}. */
  void committed(io.clvm.format.model.VolumeGroup pending, long seqno) {
    this.flushed = pending;
    this.flushedSeqno = seqno;
  }

  /**
   * {@code read} as the disks have it now: a pending version committed alone since the command read
   * it carries the group's seqno there.
   */
  io.clvm.format.model.VolumeGroup asCommitted(io.clvm.format.model.VolumeGroup read) {
    return read == flushed ? read.withSeqno(flushedSeqno) : read;
  }

  /** New commands waiting for the local mutex (tests). */
  public int arriving() {
    return arriving.get();
  }

  private LockHandle acquireZk(String label, Duration timeout)
      throws IOException, InterruptedException {
    Future<LockHandle> f = zkThread.submit(() -> cluster.get().locks().vg(uuid, label, timeout));
    try {
      return f.get();
    } catch (InterruptedException e) {
      // the acquisition goes on: whatever it takes is let go again on the same thread
      zkThread.execute(
          () -> {
            try {
              f.get().close();
            } catch (Exception ignored) {
              // nothing taken, or the sweep deletes it
            }
          });
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof InterruptedException ie) {
        throw ie;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }

  private void releaseZk() {
    LockHandle h = zk;
    zk = null;
    state.forget();
    Future<?> f =
        zkThread.submit(
            () -> {
              h.close();
              return null;
            });
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the release goes on by itself
    } catch (ExecutionException e) {
      LOG.warn("VG {}: releasing the cluster lock: {}", uuid, e.getCause().toString());
    }
  }

  @Override
  public String toString() {
    return "VgHold[" + uuid + "]";
  }
}
