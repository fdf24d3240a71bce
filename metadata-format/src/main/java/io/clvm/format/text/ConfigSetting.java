package io.clvm.format.text;

import java.util.Objects;

/**
 * A {@code key = value} entry.
 *
 * @param line where it was parsed; not part of equality, so that a printed and re-parsed tree
 *     equals the original
 */
public record ConfigSetting(String key, ConfigValue value, int line) implements ConfigNode {
  public ConfigSetting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public ConfigSetting(String key, ConfigValue value) {
    this(key, value, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSetting s && key.equals(s.key) && value.equals(s.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + value.hashCode();
  }
}
