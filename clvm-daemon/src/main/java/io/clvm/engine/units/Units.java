package io.clvm.engine.units;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How sizes are displayed: lvm2's {@code --units} argument and libdevmapper's {@code
 * dm_size_to_string}, reproduced digit for digit (same unit tables, same {@code <} rule, same
 * printf rounding) because scripts parse these strings.
 */
public final class Units {
  /** Which of lvm2's three suffix spellings: " Mebibyte", " MiB" or "m". */
  public enum Suffix {
    LONG,
    SHORT,
    UNIT
  }

  // lvm2's size_str table, in its order: [long, short, unit letter].
  private static final String[][] SHARED = {
    {" Exabyte", " EB", "E"},
    {" Petabyte", " PB", "P"},
    {" Terabyte", " TB", "T"},
    {" Gigabyte", " GB", "G"},
    {" Megabyte", " MB", "M"},
    {" Kilobyte", " KB", "K"},
    {" Byte    ", " B", "B"}
  };
  private static final String[][] BASE_1024 = {
    {" Exbibyte", " EiB", "e"},
    {" Pebibyte", " PiB", "p"},
    {" Tebibyte", " TiB", "t"},
    {" Gibibyte", " GiB", "g"},
    {" Mebibyte", " MiB", "m"},
    {" Kibibyte", " KiB", "k"},
    {" Byte    ", " B", "b"}
  };
  private static final String[][] BASE_1000 = {
    {" Exabyte", " EB", "E"},
    {" Petabyte", " PB", "P"},
    {" Terabyte", " TB", "T"},
    {" Gigabyte", " GB", "G"},
    {" Megabyte", " MB", "M"},
    {" Kilobyte", " kB", "K"},
    {" Byte    ", " B ", "B"}
  };
  private static final String[][] SPECIAL = {
    {" Byte    ", " B ", "B"}, {" Units   ", " Un", "U"}, {" Sectors ", " Se", "S"}
  };
  private static final String[] UNKNOWN = {"         ", "   ", " "};
  private static final int PREFIXES = 6;

  /** lvm2's default for reports and display commands: human-readable with the '<' marker. */
  public static final Units DEFAULT = new Units('r', 0);

  /** What lvm2 uses in its own notices ("Rounding up size to full physical extent 8.00 MiB"). */
  public static final Units HUMAN = new Units('h', 0);

  private final char type;
  private final long factor;

  private Units(char type, long factor) {
    this.type = type;
    this.factor = factor;
  }

  /**
   * Parses a {@code --units} argument: one of {@code hHrRbBsSkKmMgGtTpPeE}, optionally preceded by
   * a whole number ({@code 4k}). lower case are powers of 1024, upper case powers of 1000.
   *
   * @throws IllegalArgumentException with lvm2's message "Invalid units specification"
   */
  public static Units parse(String spec) {
    if (spec == null || spec.isEmpty()) {
      throw invalid();
    }
    int i = 0;
    while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
      i++;
    }
    if (i == spec.length() || i < spec.length() - 1) {
      throw invalid();
    }
    long count = i == 0 ? 1 : parseCount(spec.substring(0, i));
    char unit = spec.charAt(i);
    if ("hHrR".indexOf(unit) >= 0) {
      return new Units(unit, 0);
    }
    long multiplier = multiplier(unit);
    if (multiplier == 0 || count == 0) {
      throw invalid();
    }
    return new Units(count == 1 ? unit : 'U', Math.multiplyExact(count, multiplier));
  }

  private static long parseCount(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  /** {@code --units} of a display command, or lvm2's default when not given. */
  public static Units parseOrDefault(String spec) {
    return spec == null ? DEFAULT : parse(spec);
  }

  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException("Invalid units specification");
  }

  /** Bytes per unit letter, as dm_units_to_factor has them; 0 when the letter is not a unit. */
  public static long multiplier(char unit) {
    switch (unit) {
      case 'b':
      case 'B':
        return 1;
      case 's':
      case 'S':
        return 512;
      case 'k':
        return 1L << 10;
      case 'm':
        return 1L << 20;
      case 'g':
        return 1L << 30;
      case 't':
        return 1L << 40;
      case 'p':
        return 1L << 50;
      case 'e':
        return 1L << 60;
      case 'K':
        return 1000L;
      case 'M':
        return 1000_000L;
      case 'G':
        return 1000_000_000L;
      case 'T':
        return 1000_000_000_000L;
      case 'P':
        return 1000_000_000_000_000L;
      case 'E':
        return 1000_000_000_000_000_000L;
      default:
        return 0;
    }
  }

  /** True for the human-readable kinds (h, H, r, R), which always carry a suffix. */
  public boolean human() {
    return factor == 0;
  }

  /** Formats {@code bytes} as a report column does (unit letter suffix). */
  public String format(long bytes, boolean withSuffix) {
    return format(bytes, withSuffix, Suffix.UNIT);
  }

  /** Formats {@code bytes} with the given suffix style; mirrors dm_size_to_string. */
  public String format(long bytes, boolean withSuffix, Suffix style) {
    int col = style.ordinal();
    String[] row = null;
    if (!human()) {
      row = lookup(type);
    }
    if (bytes == 0) {
      String[] zeroRow = row == null ? UNKNOWN : row;
      return "0" + (withSuffix ? zeroRow[col] : "");
    }
    long unitBytes;
    String prefix = "";
    boolean suffix = withSuffix;
    if (!human()) {
      unitBytes = factor;
    } else {
      boolean si = type == 'H' || type == 'R';
      long base = si ? 1000 : 1024;
      String[][] table = si ? BASE_1000 : BASE_1024;
      unitBytes = 1;
      for (int k = 0; k < PREFIXES; k++) {
        unitBytes *= base;
      }
      int s = 0;
      while (s < PREFIXES && Long.compareUnsigned(bytes, unitBytes) < 0) {
        unitBytes /= base;
        s++;
      }
      row = table[s];
      if (s < PREFIXES && (type == 'r' || type == 'R')) {
        // lvm2: "When the rounding would cause difference, add '<' prefix".
        double d = 100.0 * bytes / unitBytes;
        if (Math.floor(d) != Math.rint(d)) {
          prefix = "<";
        }
      }
      suffix = true;
    }
    char letter = Character.toUpperCase(row[2].charAt(0));
    int precision = letter == 'B' || letter == 'S' ? 0 : 2;
    // printf's %.Nf rounds the exact binary value, ties to even: BigDecimal(double) does the same.
    String number =
        new BigDecimal((double) bytes / unitBytes)
            .setScale(precision, RoundingMode.HALF_EVEN)
            .toPlainString();
    return prefix + number + (suffix ? row[col] : "");
  }

  private static String[] lookup(char t) {
    // si_unit_consistency = 1 (lvm2's default): upper case is 1000-based, lower case 1024-based.
    for (int s = 0; s < PREFIXES; s++) {
      if (BASE_1000[s][2].charAt(0) == t) {
        return BASE_1000[s];
      }
    }
    for (int s = 0; s < PREFIXES; s++) {
      if (BASE_1024[s][2].charAt(0) == t) {
        return BASE_1024[s];
      }
    }
    for (String[] r : SPECIAL) {
      if (r[2].charAt(0) == Character.toUpperCase(t)) {
        return r;
      }
    }
    return UNKNOWN;
  }

  @Override
  public String toString() {
    return human() ? String.valueOf(type) : type + "/" + factor;
  }
}
