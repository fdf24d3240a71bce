package io.clvm.engine;

/**
 * Where a command talks to its user, as lvm2 does: results on standard output, warnings and errors
 * on standard error, every line indented by two spaces; questions answered by {@code -y}, by the
 * user at a terminal, or refused.
 */
public interface Console {
  /** A result line ("Logical volume "lv1" created."), on standard output. */
  void print(String message);

  /** Raw report text, already indented, on standard output. */
  void report(String text);

  /** A warning, on standard error, prefixed with "WARNING: ". */
  void warn(String message);

  /** An error line, on standard error. */
  void error(String message);

  /**
   * Asks a yes/no question; true only when answered yes (or {@code -y} was given).
   *
   * @param question lvm2's question without the "[y/n]: " suffix
   */
  boolean confirm(String question);
}
