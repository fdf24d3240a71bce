package io.clvm.dm.table;

import io.clvm.dm.Sectors;

/**
 * One line of a device-mapper table: {@code <start> <length> <target type> <params>}.
 *
 * @param start the first sector of the mapped device this line covers
 * @param length the number of sectors it covers (not zero)
 * @param target the target type and its parameters
 */
public record TargetLine(Sectors start, Sectors length, TargetParams target) {
  /** Checks the length against the target. */
  public TargetLine {
    if (length.isZero()) {
      throw new InvalidTableException("table line at sector " + start + " has length 0");
    }
    target.checkLength(length);
  }

  /** Parses one line as {@code dmsetup table} prints it. */
  public static TargetLine parse(String line) {
    String s = line.strip();
    String[] head = s.split("\\s+", 4);
    if (head.length < 3) {
      throw new InvalidTableException(
          "table line needs <start> <length> <target> [params]: \"" + line + "\"");
    }
    try {
      return new TargetLine(
          Sectors.parse(head[0]),
          Sectors.parse(head[1]),
          TargetParams.parse(head[2], head.length == 4 ? head[3] : ""));
    } catch (InvalidTableException e) {
      throw new InvalidTableException(e.getMessage() + " (line \"" + line + "\")", e);
    } catch (IllegalArgumentException e) {
      throw new InvalidTableException(e.getMessage() + " in table line \"" + line + "\"", e);
    }
  }

  /** The sector after the last one this line covers. */
  public Sectors end() {
    return start.plus(length);
  }

  /** The line as the kernel prints it, without a trailing blank for parameterless targets. */
  @Override
  public String toString() {
    String params = target.toParamString();
    return start + " " + length + " " + target.type() + (params.isEmpty() ? "" : " " + params);
  }
}
