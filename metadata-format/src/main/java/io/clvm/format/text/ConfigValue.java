package io.clvm.format.text;

import java.util.List;

/**
 * The value of a setting: an integer, a float, a string or an array of those.
 *
 * <p>lvm2 keeps integers as signed 64-bit values and narrows them per field; so does this tree.
 */
public sealed interface ConfigValue
    permits ConfigValue.Int, ConfigValue.Real, ConfigValue.Str, ConfigValue.Array {

  /** An integer value. */
  record Int(long value) implements ConfigValue {}

  /** A floating point value; lvm2's metadata never uses one, lvm.conf does. */
  record Real(double value) implements ConfigValue {}

  /** A string value, unescaped. */
  record Str(String value) implements ConfigValue {}

  /** An array of scalars (never nested); element types may be mixed, as in {@code stripes}. */
  record Array(List<ConfigValue> items) implements ConfigValue {
    public Array {
      items = List.copyOf(items);
      for (ConfigValue v : items) {
        if (v instanceof Array) {
          throw new IllegalArgumentException("arrays do not nest");
        }
      }
    }
  }

  static ConfigValue of(long v) {
    return new Int(v);
  }

  static ConfigValue of(String v) {
    return new Str(v);
  }

  /** An array of strings, as used by {@code status}, {@code flags} and {@code tags}. */
  static ConfigValue ofStrings(List<String> values) {
    return new Array(values.stream().map(Str::new).map(ConfigValue.class::cast).toList());
  }
}
