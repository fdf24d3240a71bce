package io.clvm.format.model;

import io.clvm.format.text.ConfigValue;
import java.util.List;
import java.util.Objects;

/**
 * A metadata entry clvm does not interpret, kept as it was read so that rewriting the VG does not
 * lose it: unknown keys of the VG, PV and LV sections, sections such as {@code
 * historical_logical_volumes}, and the body of {@link OpaqueSegment}s.
 */
public sealed interface RawEntry permits RawEntry.Setting, RawEntry.Section {
  String key();

  /** {@code key = value}. */
  record Setting(String key, ConfigValue value) implements RawEntry {
    public Setting {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** {@code key { entries }}. */
  record Section(String key, List<RawEntry> entries) implements RawEntry {
    public Section {
      Objects.requireNonNull(key, "key");
      entries = Immutables.list(entries);
    }
  }
}
