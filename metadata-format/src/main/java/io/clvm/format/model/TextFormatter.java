package io.clvm.format.model;

import java.nio.charset.StandardCharsets;

/**
 * lvm2's metadata formatter ({@code lib/format_text/export.c}): writes lines in one of the two
 * flavours. The file flavour indents with tabs and appends comments aligned to tab stops; the raw
 * (on-disk) flavour drops the indentation and the comments.
 */
final class TextFormatter {
  /** lvm2 caps indentation at 5 levels. */
  private static final int MAX_INDENT = 5;

  /** Comments start at this tab stop when the line is short enough (lvm2's COMMENT_TAB). */
  private static final int COMMENT_TAB = 6;

  private final StringBuilder out;
  private final boolean file;
  private int indent;

  TextFormatter(boolean file, int capacity) {
    this(file, capacity, 0);
  }

  /** A formatter for a part of a text that starts at indentation level {@code indent}. */
  TextFormatter(boolean file, int capacity, int indent) {
    this.file = file;
    this.out = new StringBuilder(capacity);
    this.indent = indent;
  }

  int indent() {
    return indent;
  }

  boolean file() {
    return file;
  }

  void inc() {
    if (++indent > MAX_INDENT) {
      indent = MAX_INDENT;
    }
  }

  void dec() {
    indent--;
  }

  /** An empty line. */
  void nl() {
    out.append('\n');
  }

  /** A line without comment. */
  void line(String text) {
    line(text, null);
  }

  /** A line; in the file flavour with the comment lined up on lvm2's tab stops. */
  void line(String text, String comment) {
    if (!file) {
      out.append(text).append('\n');
      return;
    }
    for (int i = 0; i < indent; i++) {
      out.append('\t');
    }
    out.append(text);
    if (comment != null) {
      // Same arithmetic as lvm2: column in units of 8, counting each indent tab as 8.
      int i = text.getBytes(StandardCharsets.UTF_8).length;
      i += 8 * indent;
      i /= 8;
      i++;
      do {
        out.append('\t');
      } while (++i < COMMENT_TAB);
      out.append(comment);
    }
    out.append('\n');
  }

  /** Raw text appended as is (for lines whose format string itself holds a newline). */
  void raw(String text) {
    out.append(text);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
