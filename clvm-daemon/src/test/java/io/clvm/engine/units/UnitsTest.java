package io.clvm.engine.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Sizes printed and parsed as lvm2 2.03.16 prints and parses them (values checked live). */
class UnitsTest {
  private static final long KIB = 1024;
  private static final long MIB = KIB * KIB;

  @Test
  void humanWithRoundingMarker() {
    Units r = Units.DEFAULT;
    assertEquals("76.00m", r.format(76 * MIB, true));
    assertEquals("1020.00k", r.format(1020 * KIB, true));
    assertEquals("507.00k", r.format(507 * KIB, true));
    assertEquals("0 ", r.format(0, true));
    assertEquals("<2.00g", r.format(2043 * MIB, true));
    assertEquals("2.00g", Units.HUMAN.format(2043 * MIB, true));
    assertEquals("512b", r.format(512, true));
    assertEquals("<1024.00g", r.format((1L << 40) - MIB, true));
    assertEquals("1.50g", r.format(1536 * MIB, false), "h/r always carry their suffix");
  }

  @Test
  void fixedUnits() {
    assertEquals("79691776B", Units.parse("b").format(76 * MIB, true));
    assertEquals("0.08G", Units.parse("G").format(76 * MIB, true));
    assertEquals("19456.00U", Units.parse("4k").format(76 * MIB, true));
    assertEquals("122880S", Units.parse("s").format(60 * MIB, true));
    assertEquals("0S", Units.parse("s").format(0, true));
    assertEquals("76.00", Units.parse("m").format(76 * MIB, false));
    assertEquals("0m", Units.parse("m").format(0, true));
    assertEquals("79.69M", Units.parse("M").format(76 * MIB, true));
    assertEquals("76.00 MiB", Units.HUMAN.format(76 * MIB, true, Units.Suffix.SHORT));
    assertEquals("<60.00 MiB", Units.DEFAULT.format(60 * MIB - 1, true, Units.Suffix.SHORT));
  }

  @Test
  void invalidUnits() {
    for (String bad : new String[] {"x", "", "4", "kk", "0k"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Units.parse(bad), bad);
      assertEquals("Invalid units specification", e.getMessage());
    }
  }

  @Test
  void sizeArguments() {
    assertEquals(new SizeArg(Sign.NONE, 10 * MIB), SizeArg.parse("10"));
    assertEquals(new SizeArg(Sign.PLUS, 10L << 30), SizeArg.parse("+10G"));
    assertEquals(new SizeArg(Sign.MINUS, 512 * KIB), SizeArg.parse("-512k"));
    assertEquals(new SizeArg(Sign.NONE, 1536 * MIB), SizeArg.parse("1.5g"));
    assertEquals(new SizeArg(Sign.NONE, 1024), SizeArg.parse("2s"));
    assertEquals(new SizeArg(Sign.NONE, 1536), SizeArg.parse("1.5K"));
    // lvm2 reads the unit letter and ignores what follows; clvm takes "iB" and "B" there.
    assertEquals(new SizeArg(Sign.NONE, 10 * MIB), SizeArg.parse("10mb"));
    assertEquals(new SizeArg(Sign.PLUS, 2L << 30), SizeArg.parse("+2GiB"));
    for (String bad : new String[] {"10X", "1..2m", "10mbx", "10sb", "10bb"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SizeArg.parse(bad), bad);
      assertEquals("Can't parse size argument.", e.getMessage());
    }
    for (String bad : new String[] {"", "+", "G", " 4M", "abc"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SizeArg.parse(bad), bad);
      assertEquals("Size requires number argument.", e.getMessage());
    }
    assertEquals(
        "Multiple sign symbols detected.",
        assertThrows(IllegalArgumentException.class, () -> SizeArg.parse("+-4M")).getMessage());
  }

  @Test
  void extentArguments() {
    ExtentsArg a = ExtentsArg.parse("50%FREE");
    assertEquals(ExtentsArg.Percent.FREE, a.percent());
    assertEquals(9, a.extents(45, 19, 0, 0), "lvm2 rounds 9.5 down");
    assertEquals(
        new ExtentsArg(Sign.PLUS, 100, ExtentsArg.Percent.FREE), ExtentsArg.parse("+100%free"));
    assertEquals(12, ExtentsArg.parse("12").extents(45, 19, 0, 0));
    assertEquals(45, ExtentsArg.parse("100%VG").extents(45, 19, 0, 0));
    assertEquals(15, ExtentsArg.parse("50%PVS").extents(45, 19, 30, 0));
    assertEquals(new ExtentsArg(Sign.MINUS, 3, ExtentsArg.Percent.NONE), ExtentsArg.parse("-3"));
    assertThrows(IllegalArgumentException.class, () -> ExtentsArg.parse("10%XX"));
    assertThrows(IllegalArgumentException.class, () -> ExtentsArg.parse("101%VG"));
    assertThrows(IllegalArgumentException.class, () -> ExtentsArg.parse("x"));
  }
}
