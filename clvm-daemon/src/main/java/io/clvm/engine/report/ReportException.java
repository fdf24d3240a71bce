package io.clvm.engine.report;

/**
 * A report that cannot be produced as asked: unknown field, bad selection. The message lines are
 * lvm2's; the exit status is lvm2's for the case (5, "failed").
 */
public final class ReportException extends Exception {
  private final int exitStatus;

  public ReportException(String message) {
    this(message, 5);
  }

  public ReportException(String message, int exitStatus) {
    super(message);
    this.exitStatus = exitStatus;
  }

  public int exitStatus() {
    return exitStatus;
  }
}
