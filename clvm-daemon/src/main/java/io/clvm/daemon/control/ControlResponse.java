package io.clvm.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer: the command's exit code (lvm2's: 0 success, 3 invalid command line, 5 failed) and its
 * output, which the CLI prints as if it had run the command itself; {@code data} carries structured
 * results ({@code status}).
 */
public record ControlResponse(
    int version, int exitCode, String stdout, String stderr, JsonNode data) {
  public static ControlResponse ok(String stdout) {
    return new ControlResponse(ControlProtocol.VERSION, 0, stdout, "", null);
  }

  public static ControlResponse data(JsonNode data) {
    return new ControlResponse(ControlProtocol.VERSION, 0, "", "", data);
  }

  public static ControlResponse error(int exitCode, String message) {
    return new ControlResponse(
        ControlProtocol.VERSION,
        exitCode,
        "",
        message.endsWith("\n") ? message : message + "\n",
        null);
  }
}
