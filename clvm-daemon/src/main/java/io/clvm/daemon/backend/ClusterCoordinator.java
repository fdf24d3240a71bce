package io.clvm.daemon.backend;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.activation.Activation;
import io.clvm.cluster.activation.ActivationConflictException;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommitResult;
import io.clvm.cluster.commit.HeldState;
import io.clvm.cluster.commit.NewVg;
import io.clvm.cluster.commit.VgChange;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.lock.LockHandle;
import io.clvm.cluster.propagate.PropagationReport;
import io.clvm.engine.Console;
import io.clvm.engine.Coordinator;
import io.clvm.engine.EngineException;
import io.clvm.engine.ScanCache;
import io.clvm.engine.VgState;
import io.clvm.format.model.ClusterMarking;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's cluster mode for one command inside clvmd (integ). The engine takes the cluster VG
 * lock where local mode takes its file lock, and holds it for the whole command; its commits go
 * through {@link io.clvm.cluster.commit.CommitProtocol#commitUnderLock} (state check and
 * roll-forward, precommit on the disks, the ZooKeeper commit point, the disk commit); activation is
 * registered in ZooKeeper under the same lock and then loaded into this node's device-mapper. After
 * the command, {@link #finish} waits (bounded) for the nodes that have a changed LV active.
 *
 * <p>The rules of design.md: extend = commit, then every node reloads (propagation); reduce = every
 * node with the LV active reloads the smaller table first, then commit ({@link ReduceFirst}); move,
 * remove or rename of an LV active on another node are refused (the other nodes must deactivate
 * first), so that no node ever maps extents the committed VG gives to another LV. lvmlockd's
 * convention for {@code -ay}: exclusive.
 */
public final class ClusterCoordinator implements Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCoordinator.class);

  private final ClusterBackend backend;
  private final String label;
  private final Map<String, Held> held = new HashMap<>();
  private final List<Done> commits = new ArrayList<>();

  /**
   * The holds this command stepped out of as a group member: it takes the lock again only if the
   * rest of the command needs it ({@link #ensureHeld}).
   */
  private final Set<VgHold> steppedOut = new java.util.HashSet<>();

  /** Archive and backup files of this command's commits, written once the VG lock is released. */
  private final List<Runnable> afterUnlock = new ArrayList<>();

  /** A VG lock this command holds, by VG name: this node's share of it. */
  private record Held(String uuid, VgHold hold) {
    /** The cluster lock (valid while the command holds the local mutex). */
    LockHandle lock() {
      return hold.lock();
    }

    /** What was checked of the VG under the current hold. */
    HeldState state() {
      return hold.state();
    }
  }

  /** A commit this command made. */
  private record Done(String vgUuid, long seqno, Set<String> changed) {}

  ClusterCoordinator(ClusterBackend backend, String label) {
    this.backend = backend;
    this.label = label;
  }

  /** The daemon's backend (status, import). */
  public ClusterBackend backend() {
    return backend;
  }

  private ClusterNode cluster() {
    return backend.cluster();
  }

  private java.time.Duration lockTimeout() {
    return backend.config().lockTimeout();
  }

  @Override
  public AutoCloseable lockVg(String vgName) throws EngineException {
    Optional<String> uuid;
    try {
      uuid = backend.uuidOf(vgName);
    } catch (IOException e) {
      throw new EngineException("Cannot lock VG " + vgName + ": " + e.getMessage(), e);
    }
    if (uuid.isEmpty()) {
      return () -> {}; // not managed: vgcreate, or refused by checkWritable
    }
    VgHold hold = backend.hold(uuid.get());
    try {
      // The node-local mutex, and the cluster lock (with the reader's repair check) unless this
      // node holds it already for another of its commands (VgHold).
      hold.enter(label, lockTimeout());
    } catch (IOException | RuntimeException e) {
      throw new EngineException("Cannot lock VG " + vgName + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Interrupted while locking VG " + vgName);
    }
    Held h = new Held(uuid.get(), hold);
    held.put(vgName, h);
    return () -> {
      held.remove(vgName, h);
      try {
        if (!steppedOut.remove(hold)) {
          hold.leave(() -> commitGroup(hold)); // a group pending: nobody left to add to it
        }
      } finally {
        runAfterUnlock();
      }
    };
  }

  @Override
  public AutoCloseable lockGlobal() throws EngineException {
    try {
      return cluster().locks().global(label, lockTimeout());
    } catch (IOException e) {
      throw new EngineException("Cannot take the cluster's global lock: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Interrupted while taking the global lock");
    }
  }

  @Override
  public void checkWritable(VgState st) throws EngineException {
    VolumeGroup vg = st.vg();
    if (!held.containsKey(vg.name())) {
      throw new EngineException(
          "Volume group "
              + vg.name()
              + " is not under cluster management"
              + (ClusterMarking.clusterOf(vg).isPresent()
                  ? " (it is marked for cluster " + ClusterMarking.clusterOf(vg).get() + ")"
                  : "")
              + ": bring it in with 'clvm cluster import "
              + vg.name()
              + "'.");
    }
    String uuid = held.get(vg.name()).uuid();
    if (!uuid.equals(vg.id().dashed())) {
      throw new EngineException(
          "Volume group " + vg.name() + " on the disks is not the one the cluster manages.");
    }
  }

  @Override
  public void afterUnlock(VolumeGroup written, Runnable archive, Runnable backup) {
    String uuid = written.id().dashed();
    long seqno = written.seqno();
    afterUnlock.add(
        () -> {
          archive.run();
          backend.backupInOrder(uuid, seqno, backup);
        });
    if (held.isEmpty()) {
      runAfterUnlock(); // vgcreate: no VG lock to wait for
    }
  }

  /** Writes the archive and backup files deferred so far (each failure is only warned about). */
  private void runAfterUnlock() {
    List<Runnable> todo = new ArrayList<>(afterUnlock);
    afterUnlock.clear();
    for (Runnable r : todo) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("{}: archive/backup after the commit failed: {}", label, e.toString());
      }
    }
  }

  @Override
  public Committed commit(VgState old, VolumeGroup next) throws EngineException {
    try {
      return old == null ? create(next) : change(old, next);
    } catch (EngineException e) {
      throw e;
    } catch (IOException e) {
      throw new EngineException(
          "Failed to commit metadata of volume group " + next.name() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Interrupted while committing VG " + next.name());
    }
  }

  private Committed create(VolumeGroup vg) throws IOException, InterruptedException {
    VolumeGroup marked = ClusterMarking.mark(vg, backend.config().clusterName());
    String uuid = marked.id().dashed();
    CommitResult r =
        cluster()
            .protocol()
            .create(uuid, label, (current, seqno) -> new NewVg(text(marked, seqno), Set.of()));
    r.warning().ifPresent(w -> LOG.warn("vgcreate {}: {}", vg.name(), w));
    return new Committed(marked.withSeqno(r.seqno()), r.capacity(), null);
  }

  @Override
  public VgState pendingVersion(VgState onDisk) {
    Held h = held.get(onDisk.vg().name());
    if (h == null || steppedOut.contains(h.hold()) || !h.hold().heldByMe()) {
      return onDisk;
    }
    PendingGroup g = h.hold().group();
    // The pending version stands on the disks' version it was computed from; anything else (a
    // rename under the same name cannot be) is the disks' own.
    if (g == null
        || g.base().vg().seqno() != onDisk.vg().seqno()
        || !g.base().vg().id().equals(onDisk.vg().id())) {
      return onDisk;
    }
    return onDisk.withVg(g.pending());
  }

  private Committed change(VgState oldState, VolumeGroup next)
      throws IOException, InterruptedException, EngineException {
    VolumeGroup read = oldState.vg();
    Held h = held.get(read.name());
    ensureHeld(h);
    if (h == null || !h.hold().heldByMe()) {
      throw new EngineException("Internal error: VG " + read.name() + " changed without its lock.");
    }
    VgHold hold = h.hold();
    PendingGroup g = hold.group();
    if (g != null && g.pending() != read) {
      // Read the disks instead of the pending version (cannot happen through the engine's scan):
      // a change computed without the group's would undo them.
      commitGroup(hold);
      throw new EngineException(
          "VG "
              + read.name()
              + " changed while this command ran; nothing was changed, run it again.");
    }
    Changes changes;
    try {
      changes = checkChanges(h.uuid(), read, next);
    } catch (IOException | EngineException | RuntimeException e) {
      if (stillAt(h.uuid(), read.seqno())) {
        restoreLocal(read, next);
      }
      throw e;
    }
    if (plain(read, next, changes)) {
      if (hold.mayDefer()) {
        return defer(h, oldState, next, changes);
      }
      if (g != null) {
        return commitWithGroup(h, g, next, changes);
      }
    } else if (g != null && !commitGroup(hold)) {
      // A change that must commit alone: the group first, then this change on top of it.
      throw new EngineException(
          "Failed to commit metadata of volume group "
              + read.name()
              + ": the changes of this node's other commands it builds on were not committed.");
    }
    // The version read may be a group's pending version committed since (by this command's
    // activation, or just above): then it is on the disks at the group's seqno.
    VolumeGroup old = hold.asCommitted(read);
    Written w;
    try {
      w = commitChanges(h, old, next, changes);
    } catch (IOException | InterruptedException | EngineException | RuntimeException e) {
      // The engine shrinks this node's own table before the commit (as in local mode). If nothing
      // was committed, the old table comes back; if the failure came after the commit point (or
      // the cluster cannot say), the smaller table stays: it is the committed one, or safe.
      if (stillAt(h.uuid(), old.seqno())) {
        restoreLocal(old, next);
      }
      throw e;
    }
    w.result().warning().ifPresent(x -> LOG.warn("VG {}: {}", old.name(), x));
    commits.add(new Done(h.uuid(), w.result().seqno(), changes.changed()));
    groupCommitted(h.uuid(), 1);
    if (!old.name().equals(next.name())) {
      held.put(next.name(), h);
    }
    return new Committed(
        w.vg().withSeqno(w.result().seqno()),
        w.result().capacity(),
        old == read ? oldState.metadata() : null);
  }

  /**
   * A change that may join a group: it keeps the PV set and the VG's name, and reduces nothing that
   * another node maps (no {@link ReduceFirst} round).
   */
  private static boolean plain(VolumeGroup old, VolumeGroup next, Changes changes) {
    return changes.reduceElsewhere().isEmpty()
        && old.name().equals(next.name())
        && old.pvs().size() == next.pvs().size()
        && old.pvs().stream()
            .map(PhysicalVolume::id)
            .collect(java.util.stream.Collectors.toSet())
            .equals(
                next.pvs().stream()
                    .map(PhysicalVolume::id)
                    .collect(java.util.stream.Collectors.toSet()));
  }

  /**
   * Group commit: {@code next} becomes the VG's pending version and waits for the command after
   * this one, which reads it in place of the disks and commits everything in one go (or defers in
   * turn). This command steps aside (the cluster lock stays with this node), waits for the group's
   * outcome and comes back to finish its command under the lock.
   */
  private Committed defer(Held h, VgState oldState, VolumeGroup next, Changes changes)
      throws IOException, InterruptedException, EngineException {
    VgHold hold = h.hold();
    PendingGroup g = hold.group();
    if (g == null) {
      g = new PendingGroup(oldState);
      hold.group(g);
    }
    java.util.concurrent.CompletableFuture<PendingGroup.Outcome> f = g.add(next, changes.changed());
    LOG.debug("VG {}: DEFERRED", h.uuid());
    hold.stepAside();
    PendingGroup.Outcome o;
    try {
      o = await(hold, g, f);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      comeBack(hold); // the old tables come back under the lock, as after any failed commit
      if (stillAt(h.uuid(), g.base().vg().seqno())) {
        restoreLocal(oldState.vg(), next);
      }
      String why = c instanceof EngineException ? c.getMessage() : String.valueOf(c.getMessage());
      throw new EngineException(
          why.startsWith("Failed to commit")
              ? why
              : "Failed to commit metadata of volume group " + next.name() + ": " + why,
          c instanceof Exception x ? x : null);
    }
    // Nothing more under the lock unless the command needs it (ensureHeld): a member that waited
    // in the queue again only to return to its client would hold up the commands behind it.
    steppedOut.add(hold);
    commits.add(new Done(h.uuid(), o.seqno(), changes.changed()));
    return new Committed(o.vg(), o.capacity(), o.archive() ? g.base().metadata() : null);
  }

  /**
   * A member's wait for its group's outcome. Bounded by the lock timeout: if the group is still
   * pending then (the commands that were to follow gave up), the member commits it itself.
   */
  private PendingGroup.Outcome await(
      VgHold hold, PendingGroup g, java.util.concurrent.CompletableFuture<PendingGroup.Outcome> f)
      throws InterruptedException, java.util.concurrent.ExecutionException, EngineException {
    try {
      return f.get(lockTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      comeBack(hold);
      if (hold.group() == g) {
        commitGroup(hold);
      }
      hold.stepAside();
      return f.get();
    }
  }

  /** A group member whose command needs the VG lock again takes it again. */
  private void ensureHeld(Held h) throws EngineException {
    if (h != null && steppedOut.remove(h.hold())) {
      comeBack(h.hold());
    }
  }

  /** A member takes the local mutex again (and the cluster lock, if this node let it go). */
  private void comeBack(VgHold hold) throws EngineException {
    try {
      hold.reenter(label, lockTimeout());
    } catch (IOException | RuntimeException e) {
      throw new EngineException("Cannot lock the VG again: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Interrupted while locking the VG again after its commit");
    }
  }

  /**
   * The command that ends a group: its {@code next} carries every member's change (it was computed
   * from the pending version); one commit from the group's base, then every member learns the
   * outcome.
   */
  private Committed commitWithGroup(Held h, PendingGroup g, VolumeGroup next, Changes changes)
      throws IOException, InterruptedException, EngineException {
    VgHold hold = h.hold();
    hold.group(null);
    Set<String> all = new LinkedHashSet<>(g.changed());
    all.addAll(changes.changed());
    VolumeGroup base = g.base().vg();
    Written w;
    try {
      w = commitChanges(h, base, next, new Changes(all, Map.of()));
    } catch (IOException | InterruptedException | EngineException | RuntimeException e) {
      g.failed(e);
      if (stillAt(h.uuid(), base.seqno())) {
        restoreLocal(base, next);
      }
      throw e;
    }
    w.result().warning().ifPresent(x -> LOG.warn("VG {}: {}", base.name(), x));
    VolumeGroup written = w.vg().withSeqno(w.result().seqno());
    g.committed(written, w.result().seqno(), w.result().capacity(), true);
    commits.add(new Done(h.uuid(), w.result().seqno(), changes.changed()));
    groupCommitted(h.uuid(), g.size() + 1);
    return new Committed(written, w.result().capacity(), g.base().metadata());
  }

  /**
   * Commits the pending group alone (the command leaving has nothing to add, or must commit alone,
   * or activates): the group's outcome is its members'; a failure is theirs, not this command's.
   */
  private boolean commitGroup(VgHold hold) {
    PendingGroup g = hold.group();
    if (g == null) {
      return true;
    }
    hold.group(null);
    VolumeGroup base = g.base().vg();
    try {
      Written w =
          commitChanges(
              new Held(hold.uuid(), hold), base, g.pending(), new Changes(g.changed(), Map.of()));
      w.result().warning().ifPresent(x -> LOG.warn("VG {}: {}", base.name(), x));
      g.committed(
          w.vg().withSeqno(w.result().seqno()), w.result().seqno(), w.result().capacity(), false);
      hold.committed(g.pending(), w.result().seqno());
      groupCommitted(hold.uuid(), g.size());
      return true;
    } catch (IOException | EngineException | RuntimeException e) {
      LOG.warn("VG {}: group of {} changes failed: {}", base.name(), g.size(), e.toString());
      g.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      g.failed(e);
    }
    return false;
  }

  private void groupCommitted(String vgUuid, int commands) {
    cluster().metrics().commitGroup(commands);
    // A DEBUG step line, as CommitProtocol's: the benchmark counts changes per commit.
    LOG.debug("VG {}: GROUP {}", vgUuid, commands);
  }

  /** What a commit changes: every LV whose mapping changes; those to reduce elsewhere first. */
  private record Changes(Set<String> changed, Map<String, String> reduceElsewhere) {}

  /** A commit and the VG as written. */
  private record Written(CommitResult result, VolumeGroup vg) {}

  /** Commits {@code next} as the successor of {@code old} (the disks' version, seqno included). */
  private Written commitChanges(Held h, VolumeGroup old, VolumeGroup next, Changes changes)
      throws IOException, InterruptedException, EngineException {
    long expected = old.seqno();
    VolumeGroup marked =
        ClusterMarking.clusterOf(next).isPresent()
            ? next
            : ClusterMarking.mark(next, backend.config().clusterName());
    String text = text(marked, expected + 1);
    // Allocated against the VG read from the disks under this lock: the protocol need only check
    // the seqno, not read the copy of record.
    VgChange change =
        VgChange.seqnoOnly(
            (current, seqno) -> {
              if (current.seqno() != expected) {
                throw new ClusterStateException(
                    "VG "
                        + old.name()
                        + " is at seqno "
                        + current.seqno()
                        + " in the cluster but "
                        + expected
                        + " on the disks read");
              }
              return new NewVg(text, changes.changed());
            });
    if (!changes.reduceElsewhere().isEmpty()) {
      h.state().forget(); // ReduceFirst's commit reads state and disks itself
    }
    CommitResult r =
        changes.reduceElsewhere().isEmpty()
            ? cluster()
                .protocol()
                .commitUnderLock(h.lock(), h.uuid(), label, change, List.of(), h.state())
            : new ReduceFirst(cluster(), label)
                .commit(h.lock(), h.uuid(), expected + 1, text, changes.reduceElsewhere(), change);
    return new Written(r, marked);
  }

  @Override
  public void checkRemovable(VgState st) throws EngineException {
    VolumeGroup vg = st.vg();
    Held h = held.get(vg.name());
    if (h == null) {
      throw new EngineException("Internal error: VG " + vg.name() + " removed without its lock.");
    }
    ensureHeld(h);
    commitPendingFirst(h, vg);
    try {
      Optional<String> inUse = inUseElsewhere(h.uuid(), vg);
      if (inUse.isPresent()) {
        throw new EngineException(
            "Volume group \""
                + vg.name()
                + "\" not removed: "
                + inUse.get()
                + ": deactivate it there first.");
      }
    } catch (IOException e) {
      throw new EngineException("Cannot check VG " + vg.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void removed(VgState st) throws EngineException {
    Held h = held.get(st.vg().name());
    checkRemovable(st); // again: this node's deactivations ran in between, others may not have
    VolumeGroup vg = h.hold().asCommitted(st.vg());
    try {
      VgStateStore store = backend.store();
      VgStateStore.Versioned now =
          store
              .readState(h.uuid())
              .orElseThrow(() -> new EngineException("VG " + vg.name() + " is no longer managed."));
      if (now.state().seqno() != vg.seqno()) {
        throw new EngineException(
            "VG "
                + vg.name()
                + " is at seqno "
                + now.state().seqno()
                + " in the cluster but "
                + vg.seqno()
                + " on the disks read");
      }
      cluster().guard().check(h.lock().token());
      store.remove(h.uuid(), now.version());
      LOG.info(
          "vgremove vg={} uuid={} seqno={}: no longer managed", vg.name(), h.uuid(), vg.seqno());
    } catch (EngineException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Interrupted while removing VG " + vg.name());
    } catch (Exception e) {
      throw new EngineException(
          "Failed to remove volume group " + vg.name() + " from the cluster: " + e.getMessage(), e);
    }
  }

  /**
   * Before an action that must see only committed metadata (an activation, vgremove): this node's
   * pending group is committed; if that fails, so does the action.
   */
  private void commitPendingFirst(Held h, VolumeGroup vg) throws EngineException {
    if (h.hold().heldByMe() && h.hold().group() != null && !commitGroup(h.hold())) {
      throw new EngineException(
          "Failed to commit metadata of volume group "
              + vg.name()
              + ": the changes of this node's other commands were not committed.");
    }
  }

  /** Whether the cluster's committed seqno of the VG is still {@code seqno}; false if unknown. */
  private boolean stillAt(String vgUuid, long seqno) {
    try {
      return backend.store().readState(vgUuid).map(v -> v.state().seqno() == seqno).orElse(false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  /** Reloads this node's tables of the LVs that {@code next} shrinks, as {@code old} has them. */
  private void restoreLocal(VolumeGroup old, VolumeGroup next) {
    for (LogicalVolume o : old.lvs()) {
      Optional<LogicalVolume> n =
          next.lvs().stream().filter(l -> l.id().equals(o.id())).findFirst();
      if (n.isEmpty() || !shrinks(o, n.get()) || !backend.tables().isActive(old.name(), o.name())) {
        continue;
      }
      try {
        backend.loadTable(old, o);
        LOG.warn("{}/{}: commit failed, old table reloaded", old.name(), o.name());
      } catch (IOException | RuntimeException e) {
        LOG.error(
            "{}/{}: commit failed and the old table could not be reloaded ({}); the smaller"
                + " table stays (safe), lvchange --refresh restores it",
            old.name(),
            o.name(),
            e.toString());
      }
    }
  }

  /**
   * The LVs whose mapping changes, and the refusals: an LV that is active on another node may grow
   * (commit, then every node reloads) or shrink (every node reloads the smaller table, then commit:
   * {@link ReduceFirst}), but not move, disappear or change its name (the other nodes would map
   * extents that are no longer its own, or keep a device under a stale name).
   */
  private Changes checkChanges(String vgUuid, VolumeGroup old, VolumeGroup next)
      throws IOException, EngineException {
    Set<String> changed = new LinkedHashSet<>();
    Map<String, String> reduceElsewhere = new LinkedHashMap<>();
    if (!old.name().equals(next.name())) {
      // vgrename: every node's device names carry the VG's name
      Optional<String> inUse = inUseElsewhere(vgUuid, old);
      if (inUse.isPresent()) {
        throw new EngineException(
            "Cannot rename volume group " + old.name() + ": " + inUse.get() + ".");
      }
    }
    // By UUID, once: a search of next's LVs for each old one made a commit quadratic in the VG's
    // LVs (seconds per lvcreate at 10,000 LVs, see BENCHMARKS.md).
    Map<io.clvm.format.model.LvmUuid, LogicalVolume> nextById = new HashMap<>();
    for (LogicalVolume l : next.lvs()) {
      nextById.put(l.id(), l);
    }
    for (LogicalVolume o : old.lvs()) {
      Optional<LogicalVolume> n = Optional.ofNullable(nextById.get(o.id()));
      boolean same = n.isPresent() && n.get().segments().equals(o.segments());
      if (same && n.get().name().equals(o.name())) {
        continue;
      }
      changed.add(o.id().dashed());
      List<String> elsewhere = activeElsewhere(vgUuid, o);
      if (elsewhere.isEmpty()) {
        continue;
      }
      String what = old.name() + "/" + o.name();
      String on = String.join(", ", elsewhere);
      if (n.isEmpty()) {
        throw new EngineException(
            "Logical volume "
                + what
                + " is active on node(s) "
                + on
                + ": deactivate it there"
                + " first (lvchange -an on those nodes).");
      }
      if (!n.get().name().equals(o.name())) {
        throw new EngineException(
            "Cannot rename " + what + " while it is active on node(s) " + on + ".");
      }
      if (shrinks(o, n.get())) {
        reduceElsewhere.put(o.id().dashed(), what);
      } else if (!grows(o, n.get())) {
        throw new EngineException(
            "Cannot move "
                + what
                + " while it is active on node(s) "
                + on
                + ": deactivate it there first.");
      }
    }
    return new Changes(changed, reduceElsewhere);
  }

  /** True when {@code n} maps a strict prefix of what {@code o} maps (a reduce). */
  static boolean shrinks(LogicalVolume o, LogicalVolume n) {
    return n.extentCount() < o.extentCount() && grows(n, o);
  }

  /** True when {@code n} keeps every segment of {@code o} and only adds extents after them. */
  static boolean grows(LogicalVolume o, LogicalVolume n) {
    if (n.extentCount() < o.extentCount()) {
      return false;
    }
    List<Segment> a = o.segments();
    List<Segment> b = n.segments();
    if (b.size() < a.size() || a.isEmpty()) {
      return b.size() >= a.size();
    }
    for (int i = 0; i < a.size() - 1; i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    // The last old segment may have been lengthened in place (merged with the new extents).
    Segment last = a.get(a.size() - 1);
    Segment same = b.get(a.size() - 1);
    if (last.equals(same)) {
      return true;
    }
    if (last instanceof StripedSegment x && same instanceof StripedSegment y) {
      return x.startExtent() == y.startExtent()
          && x.stripes().equals(y.stripes())
          && x.stripeSize() == y.stripeSize()
          && y.extentCount() >= x.extentCount();
    }
    return false;
  }

  /** The first LV of {@code vg} active on another node, as "logical volume L is active on ...". */
  private Optional<String> inUseElsewhere(String vgUuid, VolumeGroup vg) throws IOException {
    for (LogicalVolume lv : vg.lvs()) {
      List<String> elsewhere = activeElsewhere(vgUuid, lv);
      if (!elsewhere.isEmpty()) {
        return Optional.of(
            "logical volume "
                + lv.name()
                + " is active on node(s) "
                + String.join(", ", elsewhere));
      }
    }
    return Optional.empty();
  }

  private List<String> activeElsewhere(String vgUuid, LogicalVolume lv) throws IOException {
    List<String> nodes = new ArrayList<>();
    try {
      for (Activation a : cluster().activations().activations(vgUuid, lv.id().dashed())) {
        if (!a.node().equals(cluster().nodeId())) {
          nodes.add(a.node());
        }
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("ZooKeeper: " + e, e);
    }
    return nodes;
  }

  private String text(VolumeGroup vg, long seqno) {
    MetadataHeader header = MetadataHeader.now("Write from " + label + ".", null);
    // Kept with its model: the precommit's check and the scans after the commit do not parse it.
    return backend.parsedVgs().printOnDisk(new VgMetadata(vg.withSeqno(seqno), header));
  }

  @Override
  public void activate(VolumeGroup vg, LogicalVolume lv, String mode) throws EngineException {
    String what = vg.name() + "/" + lv.name();
    String vgUuid = vg.id().dashed();
    String lvUuid = lv.id().dashed();
    try {
      ActivationMode m = mode(vgUuid, lvUuid, mode);
      long generation = cluster().guard().generation();
      Held h = held.get(vg.name());
      if (h != null) {
        ensureHeld(h);
        // A table is loaded only from a committed version: a pending group goes first.
        commitPendingFirst(h, vg);
        vg = h.hold().asCommitted(vg);
      }
      if (h == null) {
        cluster().activate(vgUuid, lvUuid, m, label); // takes the VG lock itself
      } else {
        cluster().activations().activate(h.lock(), vgUuid, lvUuid, m);
      }
      // Registered afresh by this session: a fence left from an expired session (stays_fenced)
      // no longer applies, and the next outage must fence the LV again.
      cluster().fencer().released(vgUuid, lvUuid);
      backend.tables().clearFence(vg.name(), lv.name());
      try {
        backend.loadTable(vg, lv);
      } catch (IOException | RuntimeException e) {
        cluster().deactivate(vgUuid, lvUuid);
        throw new EngineException("Failed to activate " + what + ": " + e.getMessage(), e);
      }
      if (!cluster().fencer().confirmLoaded(vgUuid, lvUuid, generation)) {
        throw new EngineException(
            "Failed to activate "
                + what
                + ": its activation expired with the ZooKeeper session while the table was"
                + " loaded; the LV maps to an error target here, deactivate it (lvchange -an).");
      }
    } catch (ActivationConflictException e) {
      throw new EngineException(
          "Cannot activate " + what + ": " + e.getMessage().replace("LV " + lvUuid, "it"));
    } catch (EngineException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("Interrupted while activating " + what);
    } catch (Exception e) {
      throw new EngineException("Failed to activate " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * The activation mode: {@code sy} shared; {@code ey}, and {@code y} as lvmlockd has it for a
   * shared VG, exclusive; none given (a refresh, a reload after lvextend): the node's current mode.
   */
  private ActivationMode mode(String vgUuid, String lvUuid, String mode) {
    String m = mode == null ? "" : mode.startsWith("a") ? mode.substring(1) : mode;
    if (m.equals("sy") || m.equals("s")) {
      return ActivationMode.SHARED;
    }
    if (m.isEmpty()) {
      for (Activation a : cluster().activations().local()) {
        if (a.vgUuid().equals(vgUuid) && a.lvUuid().equals(lvUuid)) {
          return a.mode();
        }
      }
    }
    return ActivationMode.EXCLUSIVE;
  }

  @Override
  public void deactivate(VolumeGroup vg, LogicalVolume lv) throws EngineException {
    ensureHeld(held.get(vg.name()));
    try {
      // The table goes and the local activation is forgotten together, under the monitor that
      // propagation's reload holds while it checks the activation (ClusterBackend.applyCallback):
      // a reload racing this deactivation either runs before it or skips the LV.
      synchronized (backend.tables()) {
        backend.removeTable(vg, lv);
        cluster().activations().forget(vg.id().dashed(), lv.id().dashed());
      }
      // Outside the tables' monitor: the fencer holds its own monitor while it fences tables.
      cluster().fencer().released(vg.id().dashed(), lv.id().dashed());
      cluster().deactivate(vg.id().dashed(), lv.id().dashed());
    } catch (Exception e) {
      throw new EngineException(
          "Failed to deactivate " + vg.name() + "/" + lv.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ScanCache reportCache() {
    return backend.reportCache();
  }

  @Override
  public io.clvm.engine.ParsedVgs parsedVgs() {
    return backend.parsedVgs();
  }

  @Override
  public boolean isActive(VolumeGroup vg, LogicalVolume lv) {
    if (backend.tables().isActive(vg.name(), lv.name())) {
      return true;
    }
    String v = vg.id().dashed();
    String l = lv.id().dashed();
    return cluster().activations().local().stream()
        .anyMatch(a -> a.vgUuid().equals(v) && a.lvUuid().equals(l));
  }

  @Override
  public void wipeStart(VolumeGroup vg, LogicalVolume lv) throws EngineException {
    if (lv.segments().isEmpty() || !(lv.segments().get(0) instanceof StripedSegment seg)) {
      return;
    }
    var stripe = seg.stripes().get(0);
    PhysicalVolume pv =
        vg.pvs().stream().filter(p -> p.id().equals(stripe.pv())).findFirst().orElse(null);
    if (pv == null) {
      return;
    }
    long offset = (pv.peStart() + stripe.startExtent() * vg.extentSize()) * 512;
    long length = Math.min(4096, vg.extentSize() * 512);
    try {
      String device = deviceOf(pv);
      try (FileChannel ch = FileChannel.open(Path.of(device), StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.allocate((int) length), offset);
        ch.force(true);
      }
    } catch (IOException e) {
      throw new EngineException(
          "Failed to wipe start of new LV " + vg.name() + "/" + lv.name() + ": " + e.getMessage());
    }
  }

  private String deviceOf(PhysicalVolume pv) throws IOException {
    List<io.clvm.format.disk.FileDevice> open = new ArrayList<>();
    try {
      for (String d : backend.devices()) {
        try {
          open.add(io.clvm.format.disk.FileDevice.openReadOnly(Path.of(d)));
        } catch (IOException e) {
          // not here
        }
      }
      for (PvScan s : MetadataStore.scan(open)) {
        if (s.pvUuid().map(u -> u.equals(pv.id().raw())).orElse(false)) {
          return s.device().name();
        }
      }
    } finally {
      for (var f : open) {
        f.close();
      }
    }
    throw new IOException("PV " + pv.id().dashed() + " not found on this node");
  }

  /**
   * After the command (its locks released): waits, bounded, until every node with a changed LV
   * active has applied the commits; prints {@code applied on N/M nodes} when {@code report}.
   */
  public void finish(Console console, boolean report) {
    runAfterUnlock(); // anything left (a VG renamed under its lock is held under both names)
    Map<String, Done> last = new HashMap<>();
    for (Done d : commits) {
      Done prev = last.get(d.vgUuid());
      Set<String> lvs = new LinkedHashSet<>(d.changed());
      if (prev != null) {
        lvs.addAll(prev.changed());
      }
      last.put(d.vgUuid(), new Done(d.vgUuid(), d.seqno(), lvs));
    }
    for (Done d : last.values()) {
      try {
        PropagationReport r =
            cluster().protocol().awaitPropagation(d.vgUuid(), d.seqno(), d.changed());
        if (report) {
          console.print(r.summary());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        console.warn("committed, but propagation could not be checked: " + e.getMessage());
      }
    }
  }

  /** The commits this command made, as {@code uuid@seqno} (tests, logs). */
  public List<String> commits() {
    return commits.stream().map(d -> d.vgUuid() + "@" + d.seqno()).toList();
  }

  /** Whether this command changed metadata. */
  public boolean committed() {
    return !commits.isEmpty();
  }

  @Override
  public String toString() {
    return "ClusterCoordinator[" + Objects.toString(label) + "]";
  }
}
