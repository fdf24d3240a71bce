package io.clvm.cluster.commit;

import io.clvm.cluster.ClusterLayout;
import io.clvm.cluster.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
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
    return decodeMetadata(vgUuid, client.getData().forPath(layout.vgMetadata(vgUuid)));
  }

  /**
   * The seqno and VG name of the copy of record, without unzipping and parsing all of it: the
   * name is the text's first word, and the JSON starts {@code {"seqno":N,"text":"NAME {}, so
   * the first kilobyte of the unzipped blob holds both (a 10,000-LV text is 3 MB). Falls back to
   * the whole blob when the start does not look like that.
   */
  public CommittedVg readNameOnly(String vgUuid) throws Exception {
    return nameOnly(vgUuid, client.getData().forPath(layout.vgMetadata(vgUuid)));
  }

  /** {@link #readNameOnly} of a blob: the text is the name and " {" (or the whole text). */
  static CommittedVg nameOnly(String vgUuid, byte[] data) throws IOException {
    String head;
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
      head = new String(gz.readNBytes(1024), java.nio.charset.StandardCharsets.UTF_8);
    }
    java.util.regex.Matcher m = HEAD.matcher(head);
    if (m.lookingAt()) {
      return new CommittedVg(vgUuid, Long.parseLong(m.group(1)), m.group(2) + " {");
    }
    MetadataBlob blob = decode(data);
    return new CommittedVg(vgUuid, blob.seqno(), blob.text());
  }

  /** The start of a metadata blob: seqno, then the text's first word (a VG name, no escapes). */
  private static final java.util.regex.Pattern HEAD =
      java.util.regex.Pattern.compile("\\{\"seqno\":(\\d+),\"text\":\"([A-Za-z0-9+_.-]+) \\{");

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
    commit(vgUuid, expectedVersion, state, text, List.of());
  }

  /**
   * The commit point with extra conditions: every path in {@code mustExist} must still exist when
   * the transaction runs. A reduce passes its ephemeral intent: the nodes restore their old tables
   * only after the intent is gone, so a commit that needs it can never follow a restore.
   */
  public void commit(
      String vgUuid, int expectedVersion, VgState state, String text, List<String> mustExist)
      throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    for (String path : mustExist) {
      ops.add(op().check().forPath(path));
    }
    ops.add(
        op().setData()
            .withVersion(expectedVersion)
            .forPath(layout.vgState(vgUuid), Json.write(state)));
    ops.add(op().setData().forPath(layout.vgMetadata(vgUuid), encode(state.seqno(), text)));
    try {
      client.transaction().forOperations(ops);
    } catch (KeeperException.BadVersionException e) {
      throw new CommitConflictException(
          "VG " + vgUuid + " was committed by someone else since its state was read");
    } catch (KeeperException.NoNodeException e) {
      if (mustExist.isEmpty()) {
        throw e;
      }
      throw new ClusterStateException(
          "VG "
              + vgUuid
              + ": "
              + String.join(", ", mustExist)
              + " vanished before the commit point (its session ended?); nothing was committed");
    }
  }

  /**
   * vgremove: the copy of record and the state go in one transaction, conditional on the state
   * still being at {@code expectedVersion}; then what is left under the VG (activations, applied
   * records, intent answers) except its lock, which the remover still holds.
   */
  public void remove(String vgUuid, int expectedVersion) throws Exception {
    try {
      client
          .transaction()
          .forOperations(
              op().delete().withVersion(expectedVersion).forPath(layout.vgState(vgUuid)),
              op().delete().forPath(layout.vgMetadata(vgUuid)));
    } catch (KeeperException.BadVersionException e) {
      throw new CommitConflictException(
          "VG " + vgUuid + " was committed by someone else since its state was read");
    }
    for (String path :
        List.of(layout.lvs(vgUuid), layout.applied(vgUuid), layout.intentAcks(vgUuid))) {
      try {
        client.delete().deletingChildrenIfNeeded().forPath(path);
      } catch (KeeperException.NoNodeException e) {
        // nothing there
      }
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

  /** The copy of record from a {@code metadata} znode's bytes. */
  public static CommittedVg decodeMetadata(String vgUuid, byte[] data) throws IOException {
    MetadataBlob blob = decode(data);
    return new CommittedVg(vgUuid, blob.seqno(), blob.text());
  }

  static MetadataBlob decode(byte[] data) throws IOException {
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return Json.read(gz.readAllBytes(), MetadataBlob.class);
    }
  }
}
