package io.clvm.format.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * The few C library formats lvm2's metadata comments use, reproduced exactly: {@code printf("%g")},
 * {@code ctime()} and {@code strftime("%Y-%m-%d %T %z")}.
 */
final class CFormat {
  private static final DateTimeFormatter STRFTIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx", Locale.ROOT);

  private CFormat() {}

  /** C's {@code %g} with the default precision 6. */
  static String g(double v) {
    if (v == 0) {
      return "0";
    }
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
    int exp = d.precision() - d.scale() - 1;
    if (exp < -4 || exp >= 6) {
      BigDecimal mant = d.movePointLeft(exp);
      String m = stripZeros(mant.setScale(5, RoundingMode.HALF_EVEN).toPlainString());
      String sign = exp < 0 ? "-" : "+";
      int a = Math.abs(exp);
      return m + "e" + sign + (a < 10 ? "0" : "") + a;
    }
    return stripZeros(d.setScale(Math.max(0, 5 - exp), RoundingMode.HALF_EVEN).toPlainString());
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int e = s.length();
    while (s.charAt(e - 1) == '0') {
      e--;
    }
    if (s.charAt(e - 1) == '.') {
      e--;
    }
    return s.substring(0, e);
  }

  /** C's {@code ctime()}: {@code "Fri Nov 27 09:40:15 2026\n"}, in {@code zone}. */
  static String ctime(long epochSeconds, ZoneId zone) {
    ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(zone);
    String day = t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
    String mon = t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
    return String.format(
        Locale.ROOT,
        "%.3s %.3s%3d %02d:%02d:%02d %d\n",
        day,
        mon,
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond(),
        t.getYear());
  }

  /** {@code strftime("%Y-%m-%d %T %z", localtime(t))}. */
  static String strftime(long epochSeconds, ZoneId zone) {
    return STRFTIME.format(Instant.ofEpochSecond(epochSeconds).atZone(zone));
  }

  /**
   * lvm2's {@code _sectors_to_units}: a size comment such as {@code # 4 Megabytes} for a number of
   * 512-byte sectors.
   */
  static String sizeComment(long sectors) {
    String[] units = {"Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Petabytes", "Exabytes"};
    double d = (double) sectors / 2.0;
    int i = 0;
    while (d > 1024.0 && i < units.length) {
      d /= 1024.0;
      i++;
    }
    // lvm2 would print "(null)" past exabytes; sizes that large do not fit into u64 sectors.
    return "# " + g(d) + " " + units[Math.min(i, units.length - 1)];
  }
}
