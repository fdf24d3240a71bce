package io.clvm.engine;

/**
 * A command that failed, with lvm2's exit status: 5 ("failed") for most, 3 for an invalid command
 * line that only the engine can recognise (a size of zero extents, a missing VG argument).
 */
public class EngineException extends Exception {
  /** lvm2's ECMD_FAILED. */
  public static final int FAILED = 5;

  /** lvm2's EINVALID_CMD_LINE. */
  public static final int INVALID = 3;

  private final int exitStatus;

  public EngineException(String message) {
    this(message, FAILED);
  }

  public EngineException(String message, int exitStatus) {
    super(message);
    this.exitStatus = exitStatus;
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
    this.exitStatus = FAILED;
  }

  public int exitStatus() {
    return exitStatus;
  }
}
