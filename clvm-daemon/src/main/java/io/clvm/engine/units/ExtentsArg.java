package io.clvm.engine.units;

/**
 * An {@code -l/--extents} argument: {@code N}, {@code +N}, {@code -N}, or a percentage of the VG,
 * of its free space, of the listed PVs or of the origin ({@code 50%VG}, {@code +100%FREE}).
 *
 * @param sign the leading sign, if any
 * @param value the extent count, or the percentage when {@code percent} is not NONE
 * @param percent what the percentage is of
 */
public record ExtentsArg(Sign sign, long value, Percent percent) {

  /** What an {@code -l N%X} argument is a percentage of. */
  public enum Percent {
    NONE,
    VG,
    FREE,
    PVS,
    ORIGIN
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException lvm2's message for a malformed argument (empty when lvm2 gives
   *     none but "Invalid argument for --extents")
   */
  public static ExtentsArg parse(String text) {
    if (text == null || text.isEmpty()) {
      throw invalid();
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
    int end = 0;
    while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 18) {
      throw invalid();
    }
    long value = Long.parseLong(rest.substring(0, end));
    String tail = rest.substring(end);
    Percent percent;
    switch (tail.toUpperCase(java.util.Locale.ROOT)) {
      case "":
        percent = Percent.NONE;
        break;
      case "%VG":
        percent = Percent.VG;
        break;
      case "%FREE":
        percent = Percent.FREE;
        break;
      case "%PVS":
        percent = Percent.PVS;
        break;
      case "%ORIGIN":
        percent = Percent.ORIGIN;
        break;
      default:
        if (tail.startsWith("%")) {
          throw new IllegalArgumentException("Specified " + tail + " is unknown.");
        }
        throw invalid();
    }
    if (percent != Percent.NONE && value > 100 && percent != Percent.ORIGIN) {
      throw new IllegalArgumentException("Percentage must be less than or equal to 100.");
    }
    return new ExtentsArg(sign, value, percent);
  }

  /**
   * The number of extents this argument stands for, given the VG's counts; percentages round as
   * lvm2's lvcreate does (downwards).
   *
   * @param vgExtents the VG's total extent count (for %VG)
   * @param freeExtents the VG's free extent count (for %FREE)
   * @param pvsExtents the total extents of the listed PVs (for %PVS)
   * @param originExtents the origin's size (for %ORIGIN)
   */
  public long extents(long vgExtents, long freeExtents, long pvsExtents, long originExtents) {
    switch (percent) {
      case VG:
        return percentOf(vgExtents);
      case FREE:
        return percentOf(freeExtents);
      case PVS:
        return percentOf(pvsExtents);
      case ORIGIN:
        return percentOf(originExtents);
      default:
        return value;
    }
  }

  private long percentOf(long total) {
    // lvm2's percent_of_extents without roundup, as lvcreate and lvresize call it: 50%FREE of 19
    // free extents is 9 (checked against lvm2 2.03.16).
    return total * value / 100;
  }

  /** lvm2 says only "Invalid argument for --extents: X" here, with no reason of its own. */
  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException("");
  }
}
