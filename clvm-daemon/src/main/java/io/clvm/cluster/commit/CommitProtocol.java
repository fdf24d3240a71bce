package io.clvm.cluster.commit;

import io.clvm.cluster.ClusterUnavailableException;
import io.clvm.cluster.ConnectionGuard;
import io.clvm.cluster.Zk;
import io.clvm.cluster.lock.ClusterLocks;
import io.clvm.cluster.lock.LockHandle;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.cluster.propagate.PropagationReport;
import io.clvm.cluster.propagate.PropagationWaiter;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata commit protocol of docs/cluster-protocol.md, one named {@link CommitStep} at a time:
 *
 * <ol>
 *   <li>LOCK the VG; READ_STATE; ROLL_FORWARD the disks from the copy of record if they are behind;
 *   <li>COMPUTE the new VG (the engine's {@link VgChange}) at seqno + 1;
 *   <li>PRECOMMIT the text into every metadata area's free space;
 *   <li>COMMIT_POINT: state and metadata in one ZooKeeper multi() with a version check on state;
 *   <li>DISK_COMMIT: point every metadata area header at the new text;
 *   <li>RELEASE the lock, then PROPAGATE: wait (bounded) for the nodes with changed LVs active.
 * </ol>
 *
 * The connection guard is checked immediately before every disk write and before the commit point,
 * against the token taken when the lock was requested. A version conflict at the commit point
 * (someone committed without our lock: only possible if it was lost) restarts from LOCK.
 */
public final class CommitProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(CommitProtocol.class);

  private final ClusterLocks locks;
  private final VgStateStore store;
  private final MetadataDisks disks;
  private final ConnectionGuard guard;
  private final PropagationWaiter waiter;
  private final CommitSettings settings;
  private final FailPoint failPoint;
  private final String nodeId;
  private final ClusterMetrics metrics;

  public CommitProtocol(
      ClusterLocks locks,
      VgStateStore store,
      MetadataDisks disks,
      ConnectionGuard guard,
      PropagationWaiter waiter,
      CommitSettings settings,
      FailPoint failPoint,
      String nodeId,
      ClusterMetrics metrics) {
    this.locks = locks;
    this.store = store;
    this.disks = disks;
    this.guard = guard;
    this.waiter = waiter;
    this.settings = settings;
    this.failPoint = failPoint;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  /** Result of the locked part of one attempt. */
  private record Committed(
      long seqno,
      boolean rolledForward,
      Set<String> lvs,
      String warning,
      String vgName,
      Optional<String> capacity) {}

  /** Commits one change to a managed VG; {@code command} is shown as the lock holder. */
  public CommitResult commit(String vgUuid, String command, VgChange change)
      throws IOException, InterruptedException {
    CommitConflictException conflict = null;
    long start = System.nanoTime();
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      try {
        Committed c = lockedAttempt(vgUuid, command, change, false);
        return finish(vgUuid, c, attempt, command, start);
      } catch (CommitConflictException e) {
        conflict = e;
        LOG.warn("commit to VG {} conflicted (attempt {}): {}", vgUuid, attempt, e.getMessage());
      }
    }
    throw conflict;
  }

  /**
   * The first commit of a new VG (vgcreate): {@code change} gets seqno 0 and empty text as the
   * current VG. The caller holds the global lock (VG namespace).
   */
  public CommitResult create(String vgUuid, String command, VgChange change)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    return finish(vgUuid, lockedAttempt(vgUuid, command, change, true), 1, command, start);
  }

  /**
   * Brings a VG that exists on the disks (made by lvm2 or by clvm in local mode) under cluster
   * management: ZooKeeper is seeded from the disks, never the other way round.
   */
  public long importVg(String vgUuid, String command) throws IOException, InterruptedException {
    try (LockHandle lock = locks.vg(vgUuid, command, settings.lockTimeout())) {
      if (Zk.io(() -> store.readState(vgUuid)).isPresent()) {
        throw new ClusterStateException("VG " + vgUuid + " is already under cluster management");
      }
      CommittedVg onDisk =
          disks
              .readCommitted(vgUuid)
              .orElseThrow(() -> new ClusterStateException("VG " + vgUuid + " not found on disks"));
      guard.check(lock.token());
      VgState state = new VgState(onDisk.seqno(), List.of(), nodeId, System.currentTimeMillis());
      Zk.io(() -> store.create(vgUuid, state, onDisk.text()));
      LOG.info("VG {} imported at seqno {}", vgUuid, onDisk.seqno());
      return onDisk.seqno();
    }
  }

  /** Takes the VG lock only to roll the disks forward if they are behind (a reader's repair). */
  public boolean repair(String vgUuid, String command) throws IOException, InterruptedException {
    try (LockHandle lock = locks.vg(vgUuid, command, settings.lockTimeout())) {
      VgState state =
          Zk.io(() -> store.readState(vgUuid))
              .orElseThrow(
                  () ->
                      new ClusterStateException(
                          "VG " + vgUuid + " is not under cluster management"))
              .state();
      return rollForward(lock, vgUuid, state);
    }
  }

  /**
   * integ: the commit of a command that already holds the VG lock (the engine in cluster mode takes
   * the cluster VG lock for the whole command, as it takes its file lock in local mode, so that it
   * reads, allocates and writes under one lock). Same steps as {@link #commit} from READ_STATE to
   * DISK_COMMIT, but no retry (a conflict means the lock was lost) and no propagation wait: call
   * {@link #awaitPropagation} after releasing the lock.
   */
  public CommitResult commitUnderLock(LockHandle lock, String vgUuid, VgChange change)
      throws IOException, InterruptedException {
    return commitUnderLock(lock, vgUuid, "-", change);
  }

  /** {@link #commitUnderLock(LockHandle, String, VgChange)}, logging {@code command}. */
  public CommitResult commitUnderLock(
      LockHandle lock, String vgUuid, String command, VgChange change)
      throws IOException, InterruptedException {
    return commitUnderLock(lock, vgUuid, command, change, List.of());
  }

  /**
   * {@link #commitUnderLock(LockHandle, String, String, VgChange)} whose commit point also requires
   * every znode in {@code mustExist} to exist (a reduce's intent: see {@code ReduceRound}).
   */
  public CommitResult commitUnderLock(
      LockHandle lock, String vgUuid, String command, VgChange change, List<String> mustExist)
      throws IOException, InterruptedException {
    return commitUnderLock(lock, vgUuid, command, change, mustExist, new HeldState());
  }

  /**
   * {@link #commitUnderLock(LockHandle, String, String, VgChange, List)} that takes what was
   * already checked under this lock hold from {@code held} ({@link #checkUnderLock}, an earlier
   * commit) instead of reading {@code state} and the disks again, and records the commit in it.
   */
  public CommitResult commitUnderLock(
      LockHandle lock,
      String vgUuid,
      String command,
      VgChange change,
      List<String> mustExist,
      HeldState held)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Committed c;
    try {
      c = attempt(lock, vgUuid, change, false, mustExist, held);
    } catch (IOException | InterruptedException | RuntimeException e) {
      held.forget();
      throw e;
    }
    reached(CommitStep.RELEASE, vgUuid);
    logCommit(vgUuid, c.seqno(), command, 1, start, "not awaited");
    return new CommitResult(
        c.seqno(),
        1,
        c.rolledForward(),
        new PropagationReport(c.seqno(), List.of(), List.of()),
        Optional.ofNullable(c.warning()),
        c.capacity());
  }

  /** integ: the propagation wait of {@link #commit}, for {@link #commitUnderLock}'s caller. */
  public PropagationReport awaitPropagation(String vgUuid, long seqno, Set<String> lvUuids)
      throws Exception {
    PropagationReport report = waiter.await(vgUuid, seqno, lvUuids, settings.propagationTimeout());
    reached(CommitStep.PROPAGATE, vgUuid);
    return report;
  }

  /** integ: rolls the disks forward under a lock the caller holds (readers' repair). */
  public boolean repairUnderLock(LockHandle lock, String vgUuid)
      throws IOException, InterruptedException {
    return checkUnderLock(lock, vgUuid, new HeldState());
  }

  /**
   * {@link #repairUnderLock(LockHandle, String)}, recording in {@code held} the state read and that
   * the disks are at its seqno (after a roll-forward, if one was needed), for the commits of this
   * lock hold.
   */
  public boolean checkUnderLock(LockHandle lock, String vgUuid, HeldState held)
      throws IOException, InterruptedException {
    held.forget();
    Optional<VgStateStore.Versioned> state = Zk.io(() -> store.readState(vgUuid));
    if (state.isEmpty()) {
      return false;
    }
    boolean rolled = rollForward(lock, vgUuid, state.get().state());
    held.seen(state.get().version(), state.get().state().seqno(), true);
    return rolled;
  }

  private Committed lockedAttempt(String vg, String command, VgChange change, boolean create)
      throws IOException, InterruptedException {
    try (LockHandle lock = locks.vg(vg, command, settings.lockTimeout())) {
      return attempt(lock, vg, change, create, List.of(), new HeldState());
    }
  }

  /**
   * One attempt under the lock, measured for the metrics: a commit that reached DISK_COMMIT counts
   * in clvm_commits_total and clvm_commit_seconds (READ_STATE to DISK_COMMIT, lock held), a failed
   * one in clvm_commit_failures_total by reason.
   */
  private Committed attempt(
      LockHandle lock,
      String vg,
      VgChange change,
      boolean create,
      List<String> mustExist,
      HeldState held)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    try {
      Committed c = steps(lock, vg, change, create, mustExist, held);
      metrics.commit(c.vgName(), System.nanoTime() - start);
      return c;
    } catch (CommitConflictException e) {
      metrics.commitConflict();
      throw e;
    } catch (IOException | RuntimeException e) {
      metrics.commitFailed(failureReason(e));
      throw e;
    }
  }

  /** The metrics' reason for a failed commit: a few fixed words. */
  public static String failureReason(Exception e) {
    if (e instanceof ClusterUnavailableException) {
      return "unavailable";
    }
    if (e instanceof ClusterStateException) {
      return "refused";
    }
    if (e instanceof InjectedFailureException) {
      return "injected";
    }
    return e instanceof IOException ? "io" : "error";
  }

  /** The VG's name in a metadata text (its first section), or {@code fallback}. */
  public static String vgName(String text, String fallback) {
    int brace = text.indexOf('{');
    if (brace <= 0) {
      return fallback;
    }
    String name = text.substring(0, brace).strip();
    return name.isEmpty() || name.indexOf('\n') >= 0 ? fallback : name;
  }

  private Committed steps(
      LockHandle lock,
      String vg,
      VgChange change,
      boolean create,
      List<String> mustExist,
      HeldState held)
      throws IOException, InterruptedException {
    {
      reached(CommitStep.LOCK, vg);
      // Known from earlier in this lock hold (see HeldState), else read: the version for the
      // commit point's check, the seqno the change must follow.
      int version;
      long stateSeqno;
      boolean rolled = false;
      if (!create && held.known()) {
        version = held.version();
        stateSeqno = held.seqno();
        reached(CommitStep.READ_STATE, vg);
        if (!held.disksCurrent()) {
          rolled = rollForward(lock, vg, stateSeqno);
        }
      } else {
        Optional<VgStateStore.Versioned> state = Zk.io(() -> store.readState(vg));
        if (create && state.isPresent()) {
          throw new ClusterStateException("VG " + vg + " already exists in the cluster");
        }
        if (!create && state.isEmpty()) {
          throw new ClusterStateException("VG " + vg + " is not under cluster management");
        }
        reached(CommitStep.READ_STATE, vg);
        version = create ? -1 : state.get().version();
        stateSeqno = create ? 0 : state.get().state().seqno();
        rolled = !create && rollForward(lock, vg, stateSeqno);
      }
      reached(CommitStep.ROLL_FORWARD, vg);
      CommittedVg current =
          create
              ? new CommittedVg(vg, 0, "")
              : change.readsCurrentText()
                  ? Zk.io(() -> store.readMetadata(vg))
                  : new CommittedVg(vg, stateSeqno, null);
      long seqno = current.seqno() + 1;
      NewVg next = change.compute(current, seqno);
      reached(CommitStep.COMPUTE, vg);

      guard.check(lock.token());
      List<MdaState> slots = disks.precommit(vg, seqno, next.text());
      Optional<String> capacity = disks.capacityWarning(vg, seqno);
      reached(CommitStep.PRECOMMIT, vg);

      guard.check(lock.token());
      VgState newState = new VgState(seqno, slots, nodeId, System.currentTimeMillis());
      if (create) {
        Zk.io(() -> store.create(vg, newState, next.text()));
      } else {
        Zk.io(() -> store.commit(vg, version, newState, next.text(), mustExist));
      }
      // setData bumps the version by exactly one; the disks are current once DISK_COMMIT is done.
      held.seen(version + 1, seqno, false);
      reached(CommitStep.COMMIT_POINT, vg);

      // Past the commit point the change is durable: a failure below is a warning, and the next
      // writer (or repair) rolls the disks forward from the copy of record.
      String warning = null;
      try {
        guard.check(lock.token());
        disks.commit(vg, seqno, slots);
        held.seen(version + 1, seqno, true);
      } catch (ClusterUnavailableException e) {
        warning = "committed, but the disk commit was skipped (" + e.getMessage() + ")";
        LOG.warn("VG {} seqno {}: {}", vg, seqno, warning);
      }
      reached(CommitStep.DISK_COMMIT, vg);
      return new Committed(
          seqno, rolled, next.changedLvUuids(), warning, vgName(next.text(), vg), capacity);
    }
  }

  private void logCommit(
      String vg, long seqno, String command, int attempt, long start, String propagation) {
    LOG.info(
        "metadata commit vg={} seqno={} mode=cluster node={} command=\"{}\" attempt={}"
            + " duration_ms={} propagation=\"{}\"",
        vg,
        seqno,
        nodeId,
        command,
        attempt,
        (System.nanoTime() - start) / 1_000_000,
        propagation);
  }

  private CommitResult finish(String vg, Committed c, int attempt, String command, long start)
      throws IOException, InterruptedException {
    reached(CommitStep.RELEASE, vg);
    String warning = c.warning();
    PropagationReport report;
    try {
      report = waiter.await(vg, c.seqno(), c.lvs(), settings.propagationTimeout());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      report = new PropagationReport(c.seqno(), List.of(), List.of());
      warning = "committed, but propagation could not be checked: " + e.getMessage();
    }
    reached(CommitStep.PROPAGATE, vg);
    // One grep-able line per commit: key=value pairs (docs/cluster-protocol.md, "Logs").
    logCommit(vg, c.seqno(), command, attempt, start, report.summary());
    return new CommitResult(
        c.seqno(), attempt, c.rolledForward(), report, Optional.ofNullable(warning), c.capacity());
  }

  /**
   * Step 1's repair: the disks are behind the copy of record after a crash past the commit point.
   */
  private boolean rollForward(LockHandle lock, String vg, VgState state)
      throws IOException, InterruptedException {
    return rollForward(lock, vg, state.seqno());
  }

  private boolean rollForward(LockHandle lock, String vg, long stateSeqno)
      throws IOException, InterruptedException {
    long onDisk = disks.readCommitted(vg).map(CommittedVg::seqno).orElse(-1L);
    if (onDisk == stateSeqno) {
      return false;
    }
    if (onDisk > stateSeqno) {
      throw new ClusterStateException(
          "VG "
              + vg
              + ": disks are at seqno "
              + onDisk
              + ", ahead of the cluster's "
              + stateSeqno
              + ": written outside the cluster; refusing to touch it (see clvm cluster import)");
    }
    CommittedVg record = Zk.io(() -> store.readMetadata(vg));
    guard.check(lock.token());
    List<MdaState> slots = disks.precommit(vg, record.seqno(), record.text());
    guard.check(lock.token());
    disks.commit(vg, record.seqno(), slots);
    LOG.warn("VG {}: disks were at seqno {}, rolled forward to {}", vg, onDisk, record.seqno());
    return true;
  }

  private void reached(CommitStep step, String vg) throws IOException {
    LOG.debug("VG {}: {}", vg, step);
    failPoint.reached(step, vg);
  }
}
