package io.clvm.dm;

/**
 * A size or offset in 512-byte sectors, the unit of every device-mapper table. Never negative.
 *
 * @param count the number of sectors
 */
public record Sectors(long count) implements Comparable<Sectors> {
  /** Bytes per sector: device-mapper tables count in 512-byte units whatever the device's block. */
  public static final int SIZE = 512;

  /** No sectors. */
  public static final Sectors ZERO = new Sectors(0);

  /** Checks that the count is not negative. */
  public Sectors {
    if (count < 0) throw new IllegalArgumentException("negative sector count " + count);
  }

  /** {@code count} sectors. */
  public static Sectors of(long count) {
    return new Sectors(count);
  }

  /** The sectors in {@code bytes}, which must be a whole number of sectors. */
  public static Sectors ofBytes(long bytes) {
    if (bytes % SIZE != 0) {
      throw new IllegalArgumentException(
          bytes + " bytes is not a whole number of 512-byte sectors");
    }
    return new Sectors(bytes / SIZE);
  }

  /** Parses a decimal sector count as the kernel prints it. */
  public static Sectors parse(String text) {
    try {
      return new Sectors(Long.parseUnsignedLong(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a sector count: \"" + text + "\"", e);
    }
  }

  /** The size in bytes. */
  public long bytes() {
    return Math.multiplyExact(count, SIZE);
  }

  public Sectors plus(Sectors other) {
    return new Sectors(Math.addExact(count, other.count));
  }

  public Sectors minus(Sectors other) {
    return new Sectors(Math.subtractExact(count, other.count));
  }

  public Sectors times(long factor) {
    return new Sectors(Math.multiplyExact(count, factor));
  }

  /** This size divided into {@code parts} equal parts; fails when it does not divide evenly. */
  public Sectors dividedBy(long parts) {
    if (parts <= 0 || count % parts != 0) {
      throw new IllegalArgumentException(count + " sectors do not divide into " + parts + " parts");
    }
    return new Sectors(count / parts);
  }

  public boolean isZero() {
    return count == 0;
  }

  @Override
  public int compareTo(Sectors other) {
    return Long.compare(count, other.count);
  }

  /** The decimal count, as in a table line. */
  @Override
  public String toString() {
    return Long.toString(count);
  }
}
