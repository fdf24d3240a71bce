package io.clvm.cluster.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterUnavailableException;
import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommitProtocol;
import io.clvm.cluster.commit.InjectedFailureException;
import io.clvm.cluster.metrics.ClusterMetrics.LockKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters' names, tags and values, and that the hot paths reuse their meters. */
class ClusterMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ClusterMetrics metrics = new ClusterMetrics(registry);

  @Test
  void commitsAreCountedAndTimedPerVg() {
    metrics.commit("vg0", TimeUnit.MILLISECONDS.toNanos(12));
    metrics.commit("vg0", TimeUnit.MILLISECONDS.toNanos(30));
    metrics.commit("vg1", 1);
    assertEquals(2.0, registry.get("clvm.commits").tag("vg", "vg0").counter().count());
    assertEquals(1.0, registry.get("clvm.commits").tag("vg", "vg1").counter().count());
    var t = registry.get("clvm.commit").tag("vg", "vg0").timer();
    assertEquals(2, t.count());
    assertEquals(42.0, t.totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(30.0, t.max(TimeUnit.MILLISECONDS), 0.001);
    metrics.commitFailed("refused");
    metrics.commitFailed("refused");
    metrics.commitConflict();
    assertEquals(
        2.0, registry.get("clvm.commit.failures").tag("reason", "refused").counter().count());
    assertEquals(1.0, registry.get("clvm.commit.conflicts").counter().count());
  }

  @Test
  void lockTimersArePreBuiltPerKind() {
    assertSame(metrics.lockWait(LockKind.VG), metrics.lockWait(LockKind.VG));
    metrics.lockWait(LockKind.GLOBAL).record(5, TimeUnit.MILLISECONDS);
    metrics.lockTimeout(LockKind.GLOBAL);
    assertEquals(1, registry.get("clvm.lock.wait").tag("lock", "global").timer().count());
    assertEquals(0, registry.get("clvm.lock.wait").tag("lock", "vg").timer().count());
    assertEquals(1.0, registry.get("clvm.lock.timeouts").tag("lock", "global").counter().count());
  }

  @Test
  void areasReloadsAppliesAndFencing() {
    metrics.metadataArea("vg0", "/dev/sdb", 0, 29952, 1000);
    metrics.metadataArea("vg0", "/dev/sdb", 0, 29952, 25000);
    metrics.metadataArea("vg0", "/dev/sdb", 1, 29952, 25000);
    assertEquals(
        25000.0,
        registry
            .get("clvm.metadata.area.used")
            .tags("pv", "/dev/sdb", "mda", "mda1")
            .gauge()
            .value());
    assertEquals(
        29952.0, registry.get("clvm.metadata.area.capacity").tags("mda", "mda2").gauge().value());
    metrics.reload("reloaded", TimeUnit.MILLISECONDS.toNanos(3));
    metrics.reload("created", 1);
    assertEquals(1, registry.get("clvm.reload").tag("outcome", "reloaded").timer().count());
    metrics.applied(System.currentTimeMillis() - 250, 1000);
    metrics.applied(0, 1000); // commit time unknown: no lag sample
    metrics.applyFailed();
    assertEquals(2, registry.get("clvm.apply").timer().count());
    var lag = registry.get("clvm.propagation.lag").timer();
    assertEquals(1, lag.count());
    assertTrue(lag.totalTime(TimeUnit.MILLISECONDS) >= 250);
    assertEquals(1.0, registry.get("clvm.apply.failures").counter().count());
    metrics.fencingEvent("fenced");
    metrics.fencingEvent("fenced");
    assertEquals(2.0, registry.get("clvm.fencing.events").tag("event", "fenced").counter().count());
  }

  @Test
  void disabledMetricsRecordNothingAnywhere() {
    ClusterMetrics off = ClusterMetrics.disabled();
    off.commit("vg0", 1);
    assertEquals(0.0, off.registry().get("clvm.commits").counter().count());
  }

  @Test
  void failureReasonsAndVgNames() {
    assertEquals("unavailable", CommitProtocol.failureReason(new ClusterUnavailableException("x")));
    assertEquals("refused", CommitProtocol.failureReason(new ClusterStateException("x")));
    assertEquals(
        "injected",
        CommitProtocol.failureReason(
            new InjectedFailureException(io.clvm.cluster.commit.CommitStep.PRECOMMIT, "vg")));
    assertEquals("io", CommitProtocol.failureReason(new IOException("x")));
    assertEquals("error", CommitProtocol.failureReason(new IllegalStateException("x")));
    assertEquals("vg0", CommitProtocol.vgName("vg0 {\nid = \"x\"\n}\n", "uuid"));
    assertEquals("uuid", CommitProtocol.vgName("seqno = 1\npv\n", "uuid"));
    assertEquals("uuid", CommitProtocol.vgName("a\nb {\n", "uuid"));
    assertEquals("uuid", CommitProtocol.vgName("{", "uuid"));
  }
}
