package io.clvm.cluster;

import io.clvm.cluster.commit.CommitSettings;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.cluster.commit.NewVg;
import io.clvm.cluster.commit.VgChange;
import io.clvm.cluster.propagate.ApplyCallback;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;

/** Builds {@link ClusterNode}s over shared {@link InMemoryDisks} for tests. */
public final class TestNodes implements AutoCloseable {
  public static final ClusterLayout LAYOUT = new ClusterLayout("/clvm/test");
  public static final CommitSettings SETTINGS =
      new CommitSettings(Duration.ofSeconds(20), 3, Duration.ofSeconds(10));

  public final ZkTesting zk = new ZkTesting();

  /** Settings for nodes built from now on. */
  public CommitSettings settings = SETTINGS;

  public final InMemoryDisks disks = new InMemoryDisks();
  public final Map<String, FakeTables> tables = new ConcurrentHashMap<>();

  /** Per node, the seqnos its apply callback saw, in order. */
  public final Map<String, List<Long>> applied = new ConcurrentHashMap<>();

  public ClusterNode node(String id, String connect) throws Exception {
    return node(id, connect, FailPoint.NONE, Duration.ofSeconds(4), Duration.ofSeconds(2));
  }

  public ClusterNode node(
      String id, String connect, FailPoint failPoint, Duration session, Duration grace)
      throws Exception {
    return node(id, connect, failPoint, session, grace, vg -> {});
  }

  public ClusterNode node(
      String id,
      String connect,
      FailPoint failPoint,
      Duration session,
      Duration grace,
      ApplyCallback extra)
      throws Exception {
    return node(id, zk.client(connect, session), failPoint, grace, extra);
  }

  /** A node over an already started client (e.g. one connected through a proxy). */
  public ClusterNode node(
      String id, CuratorFramework client, FailPoint failPoint, Duration grace, ApplyCallback extra)
      throws Exception {
    FakeTables t = tables.computeIfAbsent(id, k -> new FakeTables());
    List<Long> seen = applied.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
    ApplyCallback apply =
        new ApplyCallback() {
          @Override
          public void apply(CommittedVg vg) throws Exception {
            extra.apply(vg);
            seen.add(vg.seqno());
          }

          @Override
          public boolean needsText(String vgUuid) {
            return extra.needsText(vgUuid);
          }
        };
    ClusterNode node =
        new ClusterNode(
            client,
            LAYOUT,
            new ClusterNode.Options(id, "test", grace, settings, failPoint),
            disks,
            apply,
            t);
    zk.track(node);
    node.start(ZkTesting.WAIT);
    return node;
  }

  /** A change that appends {@code line} to the text and marks {@code lvs} as changed. */
  public static VgChange append(String line, String... lvs) {
    return (CommittedVg current, long seqno) ->
        new NewVg(
            current
                .text()
                .replaceFirst("^seqno = \\d+\n", "")
                .transform(rest -> "seqno = " + seqno + "\n" + rest + line + "\n"),
            Set.of(lvs));
  }

  @Override
  public void close() throws Exception {
    zk.close();
  }
}
