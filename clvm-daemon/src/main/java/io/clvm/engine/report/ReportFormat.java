package io.clvm.engine.report;

/** {@code --reportformat}: lvm2's columns ("basic") or its JSON. */
public enum ReportFormat {
  BASIC,
  JSON;

  /**
   * Parses the option's argument.
   *
   * @throws IllegalArgumentException lvm2's "Invalid argument for --reportformat: X"
   */
  public static ReportFormat parse(String s) {
    switch (s) {
      case "basic":
        return BASIC;
      case "json":
        return JSON;
      default:
        throw new IllegalArgumentException("Invalid argument for --reportformat: " + s);
    }
  }
}
