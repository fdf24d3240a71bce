package io.clvm.daemon.control;

/**
 * Runs one CLI command inside the daemon: implemented by the command engine (io.clvm.engine), which
 * uses the daemon's cluster services for locking, commits and activation. Called concurrently from
 * several connection threads. An exception becomes exit code 5 with its message on stderr.
 */
@FunctionalInterface
public interface CommandExecutor {
  ControlResponse execute(ControlRequest request, Peer peer) throws Exception;

  /** The connected client, from the socket's peer credentials. */
  record Peer(String user) {}
}
