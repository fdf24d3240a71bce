package io.clvm.dm.table;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.Sectors;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole device-mapper table: lines in order, contiguous from sector 0, no gaps, no overlaps, at
 * least one line. A {@code Table} that exists is valid; the constructor refuses anything else with
 * an {@link InvalidTableException} naming the problem.
 *
 * @param lines the lines, in sector order
 */
public record Table(List<TargetLine> lines) {
  /** Validates the lines. */
  public Table {
    lines = List.copyOf(lines);
    if (lines.isEmpty()) throw new InvalidTableException("a table needs at least one line");
    Sectors expected = Sectors.ZERO;
    for (int i = 0; i < lines.size(); i++) {
      TargetLine line = lines.get(i);
      int cmp = line.start().compareTo(expected);
      if (cmp != 0) {
        String what =
            i == 0
                ? "does not start at sector 0"
                : cmp > 0
                    ? "has a gap: sectors "
                        + expected
                        + ".."
                        + (line.start().count() - 1)
                        + " unmapped"
                    : "has an overlap: line starts at "
                        + line.start()
                        + " but the previous line ends at "
                        + expected;
        throw new InvalidTableException("table " + what + " (line " + (i + 1) + ": " + line + ")");
      }
      expected = line.end();
    }
  }

  /** A table of the given lines. */
  public static Table of(TargetLine... lines) {
    return new Table(List.of(lines));
  }

  /** A one-line table of {@code length} sectors mapped by {@code target}. */
  public static Table single(Sectors length, TargetParams target) {
    return of(new TargetLine(Sectors.ZERO, length, target));
  }

  /**
   * Parses a table as {@code dmsetup table} prints it: one line per target; blank lines ignored.
   */
  public static Table parse(String text) {
    List<TargetLine> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) lines.add(TargetLine.parse(line));
    }
    return new Table(lines);
  }

  /** The mapped device's size: the end of the last line. */
  public Sectors size() {
    return lines.get(lines.size() - 1).end();
  }

  /** Every underlying device, each once, in order of first use. */
  public Set<DeviceNumber> devices() {
    Set<DeviceNumber> devices = new LinkedHashSet<>();
    for (TargetLine line : lines) devices.addAll(line.target().devices());
    return devices;
  }

  /** One line per target, each ending with a newline, as {@code dmsetup table} prints it. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (TargetLine line : lines) b.append(line).append('\n');
    return b.toString();
  }
}
