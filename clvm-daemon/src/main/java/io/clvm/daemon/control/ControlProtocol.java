package io.clvm.daemon.control;

/** Constants of the control socket protocol (docs/cluster-protocol.md, "Control socket"). */
public final class ControlProtocol {
  /** Bumped on any incompatible change; a daemon answers other versions with an error. */
  public static final int VERSION = 1;

  public static final String TYPE_COMMAND = "command";
  public static final String TYPE_STATUS = "status";
  public static final String TYPE_PING = "ping";

  /** {@code clvm cluster health}: the daemon's health report as data (docs/observability.md). */
  public static final String TYPE_HEALTH = "health";

  /** {@code clvm cluster reload-config}: re-reads clvm.conf and applies the log levels. */
  public static final String TYPE_RELOAD_CONFIG = "reload-config";

  /** lvm2's ECMD_FAILED: what the CLI exits with when the daemon could not run the command. */
  public static final int EXIT_FAILED = 5;

  /** lvm2's EINVALID_CMD_LINE: a request the daemon cannot understand. */
  public static final int EXIT_INVALID = 3;

  private ControlProtocol() {}
}
