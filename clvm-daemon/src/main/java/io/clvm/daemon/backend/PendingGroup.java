package io.clvm.daemon.backend;

import io.clvm.engine.VgState;
import io.clvm.format.model.VolumeGroup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Changes of this node's commands to one VG that wait to be committed together (group commit, see
 * docs/cluster-protocol.md): the version on the disks they started from ({@link #base}), the
 * version that carries all of them ({@link #pending}, which the next command of the group reads in
 * place of the disks), the union of the LVs they change, and one future per member for the outcome
 * of the one commit. Guarded by the VG's local mutex ({@link VgHold}).
 */
final class PendingGroup {
  /** What a member learns: the VG as written, or the failure every member shares. */
  record Outcome(VolumeGroup vg, long seqno, Optional<String> capacity, boolean archive) {}

  private final VgState base;
  private VolumeGroup pending;
  private final Set<String> changed = new LinkedHashSet<>();
  private final List<CompletableFuture<Outcome>> members = new ArrayList<>();

  PendingGroup(VgState base) {
    this.base = base;
    this.pending = base.vg();
  }

  /** The disks' version the group started from (its seqno is the group's base). */
  VgState base() {
    return base;
  }

  /** The version carrying every member's change. */
  VolumeGroup pending() {
    return pending;
  }

  /** The LVs the members change. */
  Set<String> changed() {
    return changed;
  }

  int size() {
    return members.size();
  }

  /** A member's change on top of the pending version: {@code next} is the new pending version. */
  CompletableFuture<Outcome> add(VolumeGroup next, Set<String> lvs) {
    pending = next;
    changed.addAll(lvs);
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    members.add(f);
    return f;
  }

  /**
   * The group was committed as {@code vg} at {@code seqno}; unless its committer archived the base
   * (it was a command of its own with the base as its old version), the first member does.
   */
  void committed(VolumeGroup vg, long seqno, Optional<String> capacity, boolean archived) {
    for (int i = 0; i < members.size(); i++) {
      members.get(i).complete(new Outcome(vg, seqno, capacity, i == 0 && !archived));
    }
  }

  /** The one commit failed: so did every member's change. */
  void failed(Throwable e) {
    for (CompletableFuture<Outcome> f : members) {
      f.completeExceptionally(e);
    }
  }
}
