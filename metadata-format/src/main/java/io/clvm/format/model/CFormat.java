package io.clvm.format.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
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

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  /**
   * C's {@code ctime()}: {@code "Fri Nov 27 09:40:15 2026\n"}, in {@code zone}. Built by hand:
   * every commit prints three headers (the on-disk text, the archive, the backup file), and {@code
   * String.format} with the locale's day and month names was 2 % of clvmd's command CPU.
   */
  static String ctime(long epochSeconds, ZoneId zone) {
    ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(zone);
    StringBuilder b = new StringBuilder(26);
    b.append(DAYS[t.getDayOfWeek().getValue() - 1]).append(' ');
    b.append(MONTHS[t.getMonthValue() - 1]);
    int day = t.getDayOfMonth();
    b.append(day < 10 ? "  " : " ").append(day).append(' '); // %3d
    twoDigits(b, t.getHour()).append(':');
    twoDigits(b, t.getMinute()).append(':');
    twoDigits(b, t.getSecond()).append(' ');
    return b.append(t.getYear()).append('\n').toString();
  }

  private static StringBuilder twoDigits(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
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
