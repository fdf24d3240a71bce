package io.clvm.engine.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes one key of a clvm.conf text in place, keeping every other line and comment, the way
 * {@code lvmconf --enable-cluster} edits lvm.conf: the key's line is rewritten where it is (flat
 * {@code a.b = v} or inside an {@code a { b = v }} section), or appended when absent.
 */
public final class ConfigEditor {
  private ConfigEditor() {}

  /** Returns {@code text} with {@code key} set to {@code value} (quoted). */
  public static String set(String text, String key, String value) {
    return edit(text, key, "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
  }

  /** Returns {@code text} without {@code key}. */
  public static String remove(String text, String key) {
    return edit(text, key, null);
  }

  private static String edit(String text, String key, String quoted) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    List<String> sections = new ArrayList<>();
    boolean done = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = stripComment(lines.get(i)).strip();
      if (line.equals("}")) {
        if (!sections.isEmpty()) {
          sections.remove(sections.size() - 1);
        }
        continue;
      }
      if (line.endsWith("{")) {
        sections.add(line.substring(0, line.length() - 1).strip());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = line.substring(0, eq).strip();
      String full = sections.isEmpty() ? k : String.join(".", sections) + "." + k;
      if (!full.equals(key)) {
        continue;
      }
      String original = lines.get(i);
      String indent = original.substring(0, original.length() - original.stripLeading().length());
      if (quoted == null || done) {
        lines.remove(i--);
      } else {
        lines.set(i, indent + k + " = " + quoted);
      }
      done = true;
    }
    if (!done && quoted != null) {
      lines.add(key + " = " + quoted);
    }
    return String.join("\n", lines) + "\n";
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
}
