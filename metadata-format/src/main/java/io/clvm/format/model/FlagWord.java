package io.clvm.format.model;

import java.util.HashMap;
import java.util.Map;

/** A word of a {@code status} or {@code flags} list, as lvm2 spells it. */
public interface FlagWord {
  /** The word as written in the metadata, e.g. {@code VISIBLE}. */
  String word();

  /** Which of the two lists it is written to. */
  FlagKind kind();

  /**
   * A look-up table from word to constant. Parsing a 10,000-LV VG looks up tens of thousands of
   * words; {@code values()} copies the array on every call, a map does not.
   */
  static <E extends Enum<E> & FlagWord> Map<String, E> byWord(E[] values) {
    Map<String, E> m = new HashMap<>();
    for (E e : values) {
      m.put(e.name(), e);
    }
    return Map.copyOf(m);
  }
}
