package io.clvm.engine.units;

/** The leading sign of a size argument: {@code -L +10G} grows, {@code -L -10G} shrinks. */
public enum Sign {
  NONE,
  PLUS,
  MINUS
}
