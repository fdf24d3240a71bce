package io.clvm.engine.units;

/**
 * A {@code -L/--size} argument as lvm2 reads it: an optional sign, a decimal number and an optional
 * unit letter ({@code bBsSkKmMgGtTpPeE}, all powers of 1024 here, as in lvm2's size arguments);
 * megabytes when no unit is given.
 *
 * @param sign the leading sign, if any
 * @param bytes the absolute size in bytes
 */
public record SizeArg(Sign sign, long bytes) {

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException lvm2's message: "Size requires number argument.", "Can't parse
   *     size argument.", "Multiple sign symbols detected.", "Size is too big (>=16EiB)."
   */
  public static SizeArg parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("Size requires number argument.");
    }
    Sign sign = Sign.NONE;
    String rest = text;
    if (rest.charAt(0) == '+') {
      sign = Sign.PLUS;
      rest = rest.substring(1);
    } else if (rest.charAt(0) == '-') {
      sign = Sign.MINUS;
      rest = rest.substring(1);
    }
    if (sign != Sign.NONE && !rest.isEmpty() && "+-".indexOf(rest.charAt(0)) >= 0) {
      throw new IllegalArgumentException("Multiple sign symbols detected.");
    }
    if (rest.isEmpty() || !Character.isDigit(rest.charAt(0)) && rest.charAt(0) != '.') {
      throw new IllegalArgumentException("Size requires number argument.");
    }
    int end = 0;
    while (end < rest.length()
        && (Character.isDigit(rest.charAt(end)) || rest.charAt(end) == '.')) {
      end++;
    }
    if (end == 0 || end < rest.length() - 1 && !binarySuffix(rest.substring(end))) {
      throw invalid();
    }
    double value;
    try {
      value = Double.parseDouble(rest.substring(0, end));
    } catch (NumberFormatException e) {
      throw invalid();
    }
    long unit = 1L << 20;
    if (end < rest.length()) {
      char u = rest.charAt(end);
      // Size arguments are case-insensitive powers of 1024 (lvm2 man page: "k|K is KiB").
      unit = Units.multiplier(Character.toLowerCase(u) == 'b' ? 'b' : Character.toLowerCase(u));
      if (unit == 0) {
        throw invalid();
      }
    }
    double bytes = value * unit;
    if (bytes >= 0x1p63) {
      throw new IllegalArgumentException("Size is too big (>=16EiB).");
    }
    // lvm2 keeps sizes in 512-byte sectors, dropping any fraction of a sector.
    long sectors = (long) (bytes / 512);
    return new SizeArg(sign, sectors * 512);
  }

  /**
   * {@code MiB}, {@code MB}, {@code gib}...: a unit letter spelled out, which lvm2 reads as the
   * letter alone (it ignores what follows the letter; clvm takes only these spellings).
   */
  private static boolean binarySuffix(String unit) {
    if (unit.length() < 2 || "kmgtpeKMGTPE".indexOf(unit.charAt(0)) < 0) {
      return false;
    }
    String tail = unit.substring(1).toLowerCase(java.util.Locale.ROOT);
    return tail.equals("b") || tail.equals("ib");
  }

  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException("Can't parse size argument.");
  }
}
