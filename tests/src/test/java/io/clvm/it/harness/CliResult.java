package io.clvm.it.harness;

/**
 * One clvm command's outcome, as the CLI printed it (or, for a socket request, as clvmd sent it).
 */
public record CliResult(int exit, String out, String err) {
  public boolean ok() {
    return exit == 0;
  }

  /** One line (the fault suite's history keeps one per command). */
  @Override
  public String toString() {
    return "exit "
        + exit
        + (out.isBlank() ? "" : " out: " + out.strip())
        + (err.isBlank() ? "" : " err: " + err.strip());
  }
}
