package io.clvm.cluster.propagate;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.VgStateStore;
import io.clvm.cluster.reduce.ReduceIntent;
import io.clvm.cluster.reduce.ReduceIntents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.RetryLoop;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

/**
 * What propagation reads of one VG, in one ZooKeeper round trip (a read-only {@code multi}, so the
 * three znodes are seen at one instant): the small {@code state} and the {@code intent} always, and
 * the copy of record only when asked for, i.e. when this node has an LV of the VG active and so
 * something to reload. A node with nothing active no longer fetches, unzips and decodes the whole
 * text for every commit.
 *
 * @param state the committed seqno and its time; empty when the VG is gone (removed, or not created
 *     yet)
 * @param text the copy of record, if asked for and present
 * @param intent the pending reduce intent, if any
 */
record VgSnapshot(
    Optional<StateHead> state, Optional<CommittedVg> text, Optional<ReduceIntent> intent) {

  /** Reads {@code vgUuid}'s state and intent, and its copy of record if {@code withText}. */
  static VgSnapshot read(
      CuratorFramework client, ClusterLayout layout, String vgUuid, boolean withText)
      throws Exception {
    List<Op> ops = new ArrayList<>();
    ops.add(Op.getData(layout.vgState(vgUuid)));
    ops.add(Op.getData(layout.vgIntent(vgUuid)));
    if (withText) {
      ops.add(Op.getData(layout.vgMetadata(vgUuid)));
    }
    // Curator has no read-only multi: the raw handle, with Curator's retries on connection loss.
    List<OpResult> results =
        RetryLoop.callWithRetry(
            client.getZookeeperClient(),
            () -> client.getZookeeperClient().getZooKeeper().multi(ops));
    Optional<StateHead> state = data(results.get(0)).map(VgSnapshot::state);
    Optional<ReduceIntent> intent = data(results.get(1)).map(VgSnapshot::intent);
    Optional<CommittedVg> text =
        withText ? data(results.get(2)).map(d -> metadata(vgUuid, d)) : Optional.empty();
    return new VgSnapshot(state, text, intent);
  }

  /** A read's data; empty for a znode that does not exist; any other error is thrown. */
  private static Optional<byte[]> data(OpResult r) throws KeeperException {
    if (r instanceof OpResult.GetDataResult d) {
      return Optional.of(d.getData());
    }
    int err = ((OpResult.ErrorResult) r).getErr();
    if (err == KeeperException.Code.NONODE.intValue()) {
      return Optional.empty();
    }
    throw KeeperException.create(KeeperException.Code.get(err));
  }

  private static StateHead state(byte[] data) {
    try {
      return StateHead.parse(data);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ReduceIntent intent(byte[] data) {
    try {
      return ReduceIntents.decode(data);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static CommittedVg metadata(String vgUuid, byte[] data) {
    try {
      return VgStateStore.decodeMetadata(vgUuid, data);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
