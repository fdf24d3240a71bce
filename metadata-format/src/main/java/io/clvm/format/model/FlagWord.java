package io.clvm.format.model;

/** A word of a {@code status} or {@code flags} list, as lvm2 spells it. */
public interface FlagWord {
  /** The word as written in the metadata, e.g. {@code VISIBLE}. */
  String word();

  /** Which of the two lists it is written to. */
  FlagKind kind();
}
