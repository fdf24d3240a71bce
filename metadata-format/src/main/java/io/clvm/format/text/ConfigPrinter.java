package io.clvm.format.text;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Prints a {@link ConfigSection} tree as config text that {@link ConfigParser} (and lvm2) read back
 * into an equal tree.
 *
 * <p>This is the generic printer: one entry per line, arrays inline. It does not reproduce lvm2's
 * exact metadata layout (blank lines, one stripe pair per line, comments); that belongs to the
 * model's printer, which knows what each key means.
 */
public final class ConfigPrinter {
  private static final ConfigPrinter ON_DISK = new ConfigPrinter("");
  private static final ConfigPrinter FILE = new ConfigPrinter("\t");

  private final String indent;

  private ConfigPrinter(String indent) {
    this.indent = indent;
  }

  /** No indentation, as lvm2 writes text into metadata areas. */
  public static ConfigPrinter onDisk() {
    return ON_DISK;
  }

  /** Tab indentation, as in lvm2's backup files and lvm.conf. */
  public static ConfigPrinter file() {
    return FILE;
  }

  /**
   * Prints a section. A nameless section (the parse root) prints as its entries; a named one as
   * {@code name { ... }}.
   */
  public String print(ConfigSection section) {
    StringBuilder b = new StringBuilder(4096);
    if (section.key().isEmpty()) {
      entries(b, section, 0);
    } else {
      node(b, section, 0);
    }
    return b.toString();
  }

  /** {@link #print} as UTF-8 bytes. */
  public byte[] printBytes(ConfigSection section) {
    return print(section).getBytes(StandardCharsets.UTF_8);
  }

  private void entries(StringBuilder b, ConfigSection s, int depth) {
    for (ConfigNode n : s.children()) {
      node(b, n, depth);
    }
  }

  private void node(StringBuilder b, ConfigNode n, int depth) {
    indent(b, depth);
    key(b, n.key());
    if (n instanceof ConfigSection s) {
      b.append(" {\n");
      entries(b, s, depth + 1);
      indent(b, depth);
      b.append("}\n");
    } else {
      b.append(" = ");
      value(b, ((ConfigSetting) n).value());
      b.append('\n');
    }
  }

  private void indent(StringBuilder b, int depth) {
    for (int i = 0; i < depth; i++) {
      b.append(indent);
    }
  }

  /** Appends a value in config syntax. */
  public static void value(StringBuilder b, ConfigValue v) {
    if (v instanceof ConfigValue.Int i) {
      b.append(i.value());
    } else if (v instanceof ConfigValue.Str s) {
      quote(b, s.value());
    } else if (v instanceof ConfigValue.Real r) {
      // lvm2 prints floats with "%f".
      b.append(String.format(Locale.ROOT, "%f", r.value()));
    } else {
      b.append('[');
      boolean first = true;
      for (ConfigValue item : ((ConfigValue.Array) v).items()) {
        if (!first) {
          b.append(", ");
        }
        first = false;
        value(b, item);
      }
      b.append(']');
    }
  }

  /** Appends {@code s} in double quotes, escaping {@code "} and {@code \} as lvm2 does. */
  public static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    b.append('"');
  }

  private static void key(StringBuilder b, String key) {
    if (isBareKey(key)) {
      b.append(key);
    } else {
      quote(b, key);
    }
  }

  /** Whether a key reads back unchanged without quotes. */
  static boolean isBareKey(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
      switch (c) {
        case '#', '=', '{', '}', '[', ']', ',', '"', '\'':
          return false;
        default:
          break;
      }
    }
    return true;
  }
}
