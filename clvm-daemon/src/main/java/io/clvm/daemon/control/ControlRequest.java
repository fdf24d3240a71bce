package io.clvm.daemon.control;

import java.util.List;
import java.util.Map;

/**
 * One request on the control socket, one JSON object on one line.
 *
 * @param version protocol version, {@link ControlProtocol#VERSION}
 * @param type {@code command} (run {@code command} with {@code argv}), {@code status} (cluster
 *     status data) or {@code ping}
 * @param command the lvm2 command name ({@code lvcreate}, ...), for {@code command}
 * @param argv the arguments after the command name
 * @param cwd the client's working directory (relative device paths)
 * @param env the subset of the client's environment the engine honours (LVM_*, CLVM_*)
 */
public record ControlRequest(
    int version,
    String type,
    String command,
    List<String> argv,
    String cwd,
    Map<String, String> env) {

  public static ControlRequest command(
      String command, List<String> argv, String cwd, Map<String, String> env) {
    return new ControlRequest(
        ControlProtocol.VERSION, ControlProtocol.TYPE_COMMAND, command, argv, cwd, env);
  }

  public static ControlRequest of(String type) {
    return new ControlRequest(ControlProtocol.VERSION, type, null, List.of(), null, Map.of());
  }
}
