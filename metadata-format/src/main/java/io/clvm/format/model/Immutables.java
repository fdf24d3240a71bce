package io.clvm.format.model;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Defensive copies for the model's values, which are shared between threads once committed. */
final class Immutables {
  private Immutables() {}

  static <E extends Enum<E>> Set<E> enumSet(Class<E> type, Collection<E> values) {
    EnumSet<E> s = EnumSet.noneOf(type);
    if (values != null) {
      s.addAll(values);
    }
    return Collections.unmodifiableSet(s);
  }

  static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : List.copyOf(values);
  }
}
