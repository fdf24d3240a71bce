package io.clvm.format.alloc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A size as lvcreate/lvextend/lvreduce take it: {@code -L SIZE} (bytes, with lvm2's units) or
 * {@code -l N|N%VG|N%FREE|N%PVS} (extents), optionally with a {@code +}/{@code -} sign for relative
 * resizes.
 *
 * @param kind what {@code value} counts
 * @param value bytes for {@link Kind#BYTES}, extents for {@link Kind#EXTENTS}, percent otherwise
 * @param sign {@code +1} or {@code -1} for a relative size, {@code 0} for an absolute one
 */
public record SizeSpec(Kind kind, long value, int sign) {
  /** What a size counts. */
  public enum Kind {
    BYTES,
    EXTENTS,
    PERCENT_VG,
    PERCENT_FREE,
    PERCENT_PVS
  }

  public SizeSpec {
    if (value < 0) {
      throw new IllegalArgumentException("negative size");
    }
    if (sign < -1 || sign > 1) {
      throw new IllegalArgumentException("sign must be -1, 0 or 1");
    }
  }

  public static SizeSpec extents(long n) {
    return new SizeSpec(Kind.EXTENTS, n, 0);
  }

  public static SizeSpec bytes(long n) {
    return new SizeSpec(Kind.BYTES, n, 0);
  }

  /**
   * Parses an {@code -L} argument: a number (decimals allowed) with an optional unit {@code
   * b|s|k|m|g|t|p|e} (either case, all binary; {@code s} = 512-byte sectors); the default unit is
   * MiB, as in lvm2.
   */
  public static SizeSpec parseSize(String arg) {
    String s = arg.trim();
    int sign = 0;
    if (s.startsWith("+") || s.startsWith("-")) {
      sign = s.charAt(0) == '+' ? 1 : -1;
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("Size is missing: " + arg);
    }
    char last = Character.toLowerCase(s.charAt(s.length() - 1));
    long unit = 1L << 20;
    if (Character.isLetter(last)) {
      unit =
          switch (last) {
            case 'b' -> 1;
            case 's' -> 512;
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            case 'p' -> 1L << 50;
            case 'e' -> 1L << 60;
            default -> throw new IllegalArgumentException("Invalid size unit in " + arg);
          };
      s = s.substring(0, s.length() - 1);
    }
    BigDecimal bytes;
    try {
      bytes = new BigDecimal(s).multiply(BigDecimal.valueOf(unit));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid size " + arg, e);
    }
    if (bytes.signum() < 0) {
      throw new IllegalArgumentException("Invalid size " + arg);
    }
    return new SizeSpec(Kind.BYTES, bytes.setScale(0, RoundingMode.CEILING).longValueExact(), sign);
  }

  /** Parses an {@code -l} argument: {@code N}, {@code N%VG}, {@code N%FREE} or {@code N%PVS}. */
  public static SizeSpec parseExtents(String arg) {
    String s = arg.trim();
    int sign = 0;
    if (s.startsWith("+") || s.startsWith("-")) {
      sign = s.charAt(0) == '+' ? 1 : -1;
      s = s.substring(1);
    }
    Kind kind = Kind.EXTENTS;
    int pct = s.indexOf('%');
    if (pct >= 0) {
      String what = s.substring(pct + 1).toUpperCase(Locale.ROOT);
      kind =
          switch (what) {
            case "VG" -> Kind.PERCENT_VG;
            case "FREE" -> Kind.PERCENT_FREE;
            case "PVS" -> Kind.PERCENT_PVS;
            default ->
                throw new IllegalArgumentException(
                    "Specified %" + what + " is unsupported; use %VG, %FREE or %PVS: " + arg);
          };
      s = s.substring(0, pct);
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid number of extents " + arg, e);
    }
    if (kind != Kind.EXTENTS && (v > 100 && kind != Kind.PERCENT_FREE)) {
      throw new IllegalArgumentException("Percentage must be at most 100: " + arg);
    }
    return new SizeSpec(kind, v, sign);
  }

  /**
   * Extents this size means.
   *
   * @param extentSize the VG's extent size in sectors
   * @param vgExtents total extents of the VG ({@code %VG})
   * @param freeExtents free extents of the VG ({@code %FREE})
   * @param pvsFreeExtents free extents on the listed PVs ({@code %PVS}; the VG's total when no PVs
   *     are listed, as lvm2 does)
   * @param roundUp round percentages up (lvresize does for growing sizes; lvcreate does not)
   */
  public long toExtents(
      long extentSize, long vgExtents, long freeExtents, long pvsFreeExtents, boolean roundUp) {
    long bytesPerExtent = extentSize * 512;
    long base =
        switch (kind) {
          case BYTES -> -1;
          case EXTENTS -> -1;
          case PERCENT_VG -> vgExtents;
          case PERCENT_FREE -> freeExtents;
          case PERCENT_PVS -> pvsFreeExtents;
        };
    return switch (kind) {
      case BYTES -> (value + bytesPerExtent - 1) / bytesPerExtent;
      case EXTENTS -> value;
      default -> (value * base + (roundUp ? 99 : 0)) / 100;
    };
  }

  /** True when {@code -L} asked for a size that is not a whole number of extents. */
  public boolean needsRounding(long extentSize) {
    return kind == Kind.BYTES && value % (extentSize * 512) != 0;
  }
}
