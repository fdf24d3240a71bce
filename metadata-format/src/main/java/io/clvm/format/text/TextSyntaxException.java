package io.clvm.format.text;

import io.clvm.format.MetadataException;

/** Metadata or config text that does not follow the syntax; names the line and column. */
public class TextSyntaxException extends MetadataException {
  private final int line;
  private final int column;

  /**
   * @param device device the text came from, or {@code null}
   * @param offset absolute byte offset of the text's first byte, or {@link #UNKNOWN_OFFSET}
   * @param line 1-based line of the offending token
   * @param column 1-based column (in bytes) of the offending token
   * @param reason what was expected and what was found
   */
  public TextSyntaxException(String device, long offset, int line, int column, String reason) {
    super(
        Kind.SYNTAX,
        device,
        offset,
        "metadata text",
        "line " + line + ", column " + column + ": " + reason);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
