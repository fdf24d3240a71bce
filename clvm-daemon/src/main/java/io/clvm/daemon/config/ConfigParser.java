package io.clvm.daemon.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads clvmd's configuration text into flat {@code section.key -> value} pairs.
 *
 * <p>Two spellings are accepted, so the file can sit next to an lvm.conf and look like one: flat
 * {@code zookeeper.connect = "host:2181"} lines, and lvm.conf-like sections {@code zookeeper {
 * connect = "host:2181" }}, which flatten to the same key. {@code #} starts a comment outside
 * quotes; values may be double-quoted (with {@code \"} and {@code \\} escapes) or bare words.
 */
public final class ConfigParser {
  private ConfigParser() {}

  /** Parses {@code text}; {@code source} names the file in error messages. */
  public static Map<String, String> parse(String text, String source) throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    Deque<String> sections = new ArrayDeque<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = stripComment(lines[i]).strip();
      String where = source + ":" + (i + 1);
      if (line.isEmpty()) {
        continue;
      }
      if (line.equals("}")) {
        if (sections.isEmpty()) {
          throw new ConfigException(where + ": '}' without an open section");
        }
        sections.pop();
      } else if (line.endsWith("{")) {
        String name = line.substring(0, line.length() - 1).strip();
        checkKey(name, where);
        sections.push(name);
      } else {
        int eq = line.indexOf('=');
        if (eq < 0) {
          throw new ConfigException(where + ": expected 'key = value', got '" + line + "'");
        }
        String key = line.substring(0, eq).strip();
        checkKey(key, where);
        values.put(qualify(sections, key), unquote(line.substring(eq + 1).strip(), where));
      }
    }
    if (!sections.isEmpty()) {
      throw new ConfigException(source + ": section '" + sections.peek() + "' is not closed");
    }
    return values;
  }

  private static String qualify(Deque<String> sections, String key) {
    StringBuilder sb = new StringBuilder();
    sections.descendingIterator().forEachRemaining(s -> sb.append(s).append('.'));
    return sb.append(key).toString();
  }

  private static void checkKey(String key, String where) throws ConfigException {
    if (!key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
      throw new ConfigException(where + ": invalid key '" + key + "'");
    }
  }

  private static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String unquote(String raw, String where) throws ConfigException {
    if (!raw.startsWith("\"")) {
      return raw;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        sb.append(raw.charAt(++i));
      } else if (c == '"') {
        if (!raw.substring(i + 1).isBlank()) {
          throw new ConfigException(where + ": text after the closing quote");
        }
        return sb.toString();
      } else {
        sb.append(c);
      }
    }
    throw new ConfigException(where + ": unterminated quoted value");
  }
}
