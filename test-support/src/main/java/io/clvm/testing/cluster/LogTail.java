package io.clvm.testing.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a daemon's log, for a failure message. */
public final class LogTail {
  private LogTail() {}

  /** The last {@code lines} lines of {@code file}, or why there are none. */
  public static String of(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
