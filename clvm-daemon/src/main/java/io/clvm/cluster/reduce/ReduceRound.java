package io.clvm.cluster.reduce;

import io.clvm.cluster.ClusterUnavailableException;
import io.clvm.cluster.Zk;
import io.clvm.cluster.activation.ActivationRegistry;
import io.clvm.cluster.commit.CommitStep;
import io.clvm.cluster.commit.FailPoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committer's side of one reduce ("reload everywhere first, then commit"), begun by {@link
 * ReduceRounds#begin} with the intent published. The caller, holding the VG lock:
 *
 * <ol>
 *   <li>{@link #awaitReloaded} — every target node loads the smaller tables and answers (bounded);
 *   <li>if all did: commits with {@link #commitConditions()} (the commit point requires the intent
 *       to still exist), then {@link #committed()};
 *   <li>{@link #close()} — withdraws the intent. Uncommitted, the nodes then reload the committed
 *       (old) tables; close waits, bounded, for those that had answered to confirm it.
 * </ol>
 */
public final class ReduceRound implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReduceRound.class);

  private final CuratorFramework client;
  private final ReduceIntents intents;
  private final ActivationRegistry activations;
  private final FailPoint failPoint;
  private final String vgUuid;
  private final ReduceIntent intent;
  private final Duration timeout;
  private final List<String> answered = new ArrayList<>();
  private boolean committed;
  private boolean closed;
  private List<String> unconfirmed = List.of();

  ReduceRound(
      CuratorFramework client,
      ReduceIntents intents,
      ActivationRegistry activations,
      FailPoint failPoint,
      String vgUuid,
      ReduceIntent intent,
      Duration timeout) {
    this.client = client;
    this.intents = intents;
    this.activations = activations;
    this.failPoint = failPoint;
    this.vgUuid = vgUuid;
    this.intent = intent;
    this.timeout = timeout;
  }

  public ReduceIntent intent() {
    return intent;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Waits until every target answered for this round, dropped out, or the timeout passed. A node
   * whose activations of the LVs are gone (deactivated, or its session expired) is not waited for.
   */
  public ReduceOutcome awaitReloaded() throws IOException, InterruptedException {
    ReduceOutcome outcome =
        waitFor(
            (node, ack) ->
                ack.state() == IntentAck.State.REDUCED || ack.state() == IntentAck.State.FAILED,
            intent.targets(),
            timeout);
    answered.addAll(outcome.reduced());
    answered.addAll(outcome.failed().keySet());
    if (outcome.ok()) {
      failPoint.reached(CommitStep.REDUCE_RELOADED, vgUuid);
    }
    return outcome;
  }

  /** The znodes the commit point must find: the intent (gone = the round is void). */
  public List<String> commitConditions() {
    return List.of(intents.path(vgUuid));
  }

  /** The commit point passed: closing only withdraws the intent, nothing is restored. */
  public void committed() {
    committed = true;
  }

  /** After {@link #close()} of an uncommitted round: nodes that did not confirm the restore. */
  public List<String> unconfirmedRestores() {
    return unconfirmed;
  }

  /** The nodes that answered (reduced or failed), hence may have to restore. */
  public List<String> answered() {
    return List.copyOf(answered);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Zk.io(() -> intents.withdraw(vgUuid, intent.id()));
    } catch (ClusterUnavailableException e) {
      // The intent is ephemeral: it goes with our session if we cannot delete it now.
      LOG.warn("reduce intent {} not withdrawn now ({}); it ends with the session", intent.id(), e);
    }
    if (committed || answered.isEmpty()) {
      return;
    }
    ReduceOutcome restored =
        waitFor(
            (node, ack) ->
                ack.state() == IntentAck.State.RESTORED
                    || ack.state() == IntentAck.State.RESTORE_FAILED,
            answered,
            timeout);
    List<String> missing = new ArrayList<>(restored.silent());
    missing.addAll(restored.failed().keySet());
    unconfirmed = List.copyOf(missing);
  }

  /** A node's answer that ends the wait for it; {@code FAILED}/{@code RESTORE_FAILED} count too. */
  private interface Final {
    boolean test(String node, IntentAck ack);
  }

  private ReduceOutcome waitFor(Final done, List<String> nodes, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    Object signal = new Object();
    // A cache on intent-acks/ wakes us on every answer; the loop re-reads from ZooKeeper itself.
    try (CuratorCache cache = CuratorCache.build(client, intents.acksPath(vgUuid))) {
      cache
          .listenable()
          .addListener(
              (type, oldData, data) -> {
                synchronized (signal) {
                  signal.notifyAll();
                }
              });
      cache.start();
      while (true) {
        ReduceOutcome now = check(done, nodes);
        long left = deadline - System.nanoTime();
        if (now.silent().isEmpty() || left <= 0) {
          return now;
        }
        synchronized (signal) {
          // Bounded: deactivations do not wake us, so re-check now and then.
          signal.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
        }
      }
    }
  }

  private ReduceOutcome check(Final done, List<String> nodes)
      throws IOException, InterruptedException {
    Map<String, IntentAck> acks = Zk.io(() -> intents.acks(vgUuid));
    List<String> ok = new ArrayList<>();
    Map<String, String> failed = new HashMap<>();
    List<String> silent = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (String node : nodes) {
      IntentAck ack = acks.get(node);
      if (ack != null && ack.intent().equals(intent.id()) && done.test(node, ack)) {
        if (ack.state() == IntentAck.State.FAILED
            || ack.state() == IntentAck.State.RESTORE_FAILED) {
          failed.put(node, ack.error() == null ? "unknown error" : ack.error());
        } else {
          ok.add(node);
        }
      } else if (!stillActive(node)) {
        gone.add(node);
      } else {
        silent.add(node);
      }
    }
    return new ReduceOutcome(ok, failed, silent, gone);
  }

  private boolean stillActive(String node) throws IOException, InterruptedException {
    for (String lv : intent.lvUuids()) {
      if (activations.activations(vgUuid, lv).stream().anyMatch(a -> a.node().equals(node))) {
        return true;
      }
    }
    return false;
  }
}
