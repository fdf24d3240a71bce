package io.clvm.cluster.commit;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The ZooKeeper side of a VG: {@code state} (JSON) and {@code metadata} (the copy of record:
 * gzipped JSON {seqno, text}, which carries its own seqno so that a reader never pairs a text with
 * the wrong state). Both are only ever changed together, in one multi().
 */
public final class VgStateStore {
  private final CuratorFramework client;
  private final ClusterLayout layout;

  /** A state with the znode version it was read at (for the commit point's version check). */
  public record Versioned(VgState state, int version) {}

  record MetadataBlob(long seqno, String text) {}

  public VgStateStore(CuratorFramework client, ClusterLayout layout) {
    this.client = client;
    this.layout = layout;
  }

  public ClusterLayout layout() {
    return layout;
  }

  /** The committed state, or empty if the VG is not under cluster management. */
  public Optional<Versioned> readState(String vgUuid) throws Exception {
    Stat stat = new Stat();
    try {
      byte[] data = client.getData().storingStatIn(stat).forPath(layout.vgState(vgUuid));
      return Optional.of(new Versioned(Json.read(data, VgState.class), stat.getVersion()));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /** The copy of record. */
  public CommittedVg readMetadata(String vgUuid) throws Exception {
    MetadataBlob blob = decode(client.getData().forPath(layout.vgMetadata(vgUuid)));
    return new CommittedVg(vgUuid, blob.seqno(), blob.text());
  }

  /** Every VG under cluster management. */
  public List<String> vgUuids() throws Exception {
    try {
      return client.getChildren().forPath(layout.vgs()).stream().sorted().toList();
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  /**
   * The commit point: state and metadata in one transaction, conditional on state still being at
   * {@code expectedVersion}.
   */
  public void commit(String vgUuid, int expectedVersion, VgState state, String text)
      throws Exception {
    try {
      client
          .transaction()
          .forOperations(
              op().setData()
                  .withVersion(expectedVersion)
                  .forPath(layout.vgState(vgUuid), Json.write(state)),
              op().setData().forPath(layout.vgMetadata(vgUuid), encode(state.seqno(), text)));
    } catch (KeeperException.BadVersionException e) {
      throw new CommitConflictException(
          "VG " + vgUuid + " was committed by someone else since its state was read");
    }
  }

  /** The first commit of a VG (creation or import): fails if the VG is already managed. */
  public void create(String vgUuid, VgState state, String text) throws Exception {
    try {
      client.create().creatingParentsIfNeeded().forPath(layout.vg(vgUuid));
    } catch (KeeperException.NodeExistsException e) {
      // the lock recipe may have created it
    }
    try {
      client
          .transaction()
          .forOperations(
              op().create().forPath(layout.vgState(vgUuid), Json.write(state)),
              op().create().forPath(layout.vgMetadata(vgUuid), encode(state.seqno(), text)));
    } catch (KeeperException.NodeExistsException e) {
      throw new CommitConflictException("VG " + vgUuid + " is already under cluster management");
    }
  }

  private org.apache.curator.framework.api.transaction.TransactionOp op() {
    return client.transactionOp();
  }

  static byte[] encode(long seqno, String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(Json.write(new MetadataBlob(seqno, text)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static MetadataBlob decode(byte[] data) throws IOException {
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return Json.read(gz.readAllBytes(), MetadataBlob.class);
    }
  }
}
