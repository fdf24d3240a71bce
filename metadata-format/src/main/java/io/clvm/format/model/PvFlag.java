package io.clvm.format.model;

import java.util.Map;
import java.util.Optional;

/**
 * PV flag words in lvm2's table order. {@code MISSING} is written to {@code flags} (lvm2's table
 * lists it first as a compatible word, so that is where the printer puts it) but accepted in either
 * list.
 */
public enum PvFlag implements FlagWord {
  ALLOCATABLE(FlagKind.STATUS),
  EXPORTED(FlagKind.STATUS),
  MISSING(FlagKind.COMPATIBLE);

  private final FlagKind kind;

  PvFlag(FlagKind kind) {
    this.kind = kind;
  }

  @Override
  public FlagKind kind() {
    return kind;
  }

  @Override
  public String word() {
    return name();
  }

  private static final Map<String, PvFlag> BY_WORD = FlagWord.byWord(values());

  public static Optional<PvFlag> of(String word) {
    return Optional.ofNullable(word == null ? null : BY_WORD.get(word));
  }
}
