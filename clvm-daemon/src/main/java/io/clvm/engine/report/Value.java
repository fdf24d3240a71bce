package io.clvm.engine.report;

import io.clvm.engine.units.Units;
import java.util.List;

/** A field's value in one row, before it is formatted with the report's units. */
public sealed interface Value permits Value.Text, Value.Num, Value.Size, Value.Words {

  /** The text printed for this value. */
  String display(Units units, boolean suffix);

  /** Plain text, printed as is ("unknown", "-1" for numbers lvm2 does not know, names). */
  record Text(String text) implements Value {
    @Override
    public String display(Units units, boolean suffix) {
      return text;
    }
  }

  /** A count. */
  record Num(long value) implements Value {
    @Override
    public String display(Units units, boolean suffix) {
      return Long.toString(value);
    }
  }

  /** A size in bytes, printed in the report's units. */
  record Size(long bytes) implements Value {
    @Override
    public String display(Units units, boolean suffix) {
      return units.format(bytes, suffix);
    }
  }

  /** A string list (tags, devices), printed comma-separated as lvm2 does. */
  record Words(List<String> words) implements Value {
    public Words {
      words = List.copyOf(words);
    }

    @Override
    public String display(Units units, boolean suffix) {
      return String.join(",", words);
    }
  }

  static Value text(String s) {
    return new Text(s);
  }

  static Value num(long n) {
    return new Num(n);
  }

  static Value size(long bytes) {
    return new Size(bytes);
  }

  static Value words(List<String> w) {
    return new Words(w);
  }
}
