package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CFormatTest {
  /** C's ctime() as printf would build it: the format the hand-built version must reproduce. */
  private static String printfCtime(long epochSeconds, ZoneId zone) {
    ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(zone);
    return String.format(
        Locale.ROOT,
        "%.3s %.3s%3d %02d:%02d:%02d %d\n",
        t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT),
        t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond(),
        t.getYear());
  }

  @Test
  void ctimeIsCsCtime() {
    assertEquals("Fri Nov 27 09:40:15 2026\n", CFormat.ctime(1795772415L, ZoneOffset.UTC));
    assertEquals("Thu Jan  1 00:00:00 1970\n", CFormat.ctime(0, ZoneOffset.UTC));
    assertEquals("Sun Mar  7 23:05:09 2021\n", CFormat.ctime(1615158309L, ZoneOffset.UTC));
  }

  @Test
  void ctimeMatchesPrintfOverManyTimesAndZones() {
    SplittableRandom r = new SplittableRandom(8);
    ZoneId[] zones = {
      ZoneOffset.UTC,
      ZoneId.of("Europe/Berlin"),
      ZoneId.of("America/St_Johns"),
      ZoneId.of("Asia/Kathmandu")
    };
    for (int i = 0; i < 20_000; i++) {
      long t = r.nextLong(0, 4_102_444_800L); // 1970 .. 2100
      ZoneId z = zones[i % zones.length];
      assertEquals(printfCtime(t, z), CFormat.ctime(t, z), "at " + t + " in " + z);
    }
  }
}
