package io.clvm.cluster.reduce;

/**
 * A node's answer to a reduce intent, in {@code vgs/<vg>/intent-acks/<node>}: one znode per node,
 * overwritten by every round; {@code intent} says which round it answers.
 */
public record IntentAck(String intent, State state, String error, long time) {
  /** Where the node's tables are with respect to the intent. */
  public enum State {
    /** The smaller tables are loaded. */
    REDUCED,
    /** Loading them failed ({@code error} says why); the old tables may be partly replaced. */
    FAILED,
    /** The intent was withdrawn uncommitted and the committed (old) tables are loaded again. */
    RESTORED,
    /** The intent was withdrawn but reloading the committed tables failed (still smaller: safe). */
    RESTORE_FAILED
  }

  public static IntentAck of(String intent, State state, String error) {
    return new IntentAck(intent, state, error, System.currentTimeMillis());
  }
}
