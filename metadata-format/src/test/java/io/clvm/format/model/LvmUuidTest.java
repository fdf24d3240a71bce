package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LvmUuidTest {
  @Test
  void dashedFormIsSixFourFourFourFourFourSix() {
    LvmUuid u = LvmUuid.parse("Chkb4w2d7LUFP982KXeiL286Topxsr4I");
    assertEquals("Chkb4w-2d7L-UFP9-82KX-eiL2-86To-pxsr4I", u.dashed());
    assertEquals(u, LvmUuid.parse("Chkb4w-2d7L-UFP9-82KX-eiL2-86To-pxsr4I"));
    assertEquals(u.dashed(), u.toString());
  }

  @Test
  void parseDropsEveryDashAndNeedsThirtyTwoCharacters() {
    assertEquals(
        "Chkb4w2d7LUFP982KXeiL286Topxsr4I",
        LvmUuid.parse("C-hkb4w2d7LUFP982KXeiL286Topxsr4I--").raw());
    assertThrows(IllegalArgumentException.class, () -> LvmUuid.parse("short"));
    assertThrows(
        IllegalArgumentException.class, () -> LvmUuid.parse("Chkb4w2d7LUFP982KXeiL286Topxsr4_"));
    assertThrows(IllegalArgumentException.class, () -> LvmUuid.parse(null));
    // '!' and '#' are accepted on input (LVM1 heritage)
    assertEquals(32, LvmUuid.parse("!#kb4w2d7LUFP982KXeiL286Topxsr4I").raw().length());
  }

  @Test
  void generatedIdsUseOnlyTheFirstSixtyTwoCharacters() {
    Random r = new Random(1);
    for (int i = 0; i < 1000; i++) {
      String raw = LvmUuid.random(r).raw();
      assertTrue(raw.chars().allMatch(c -> LvmUuid.ALPHABET.indexOf(c) < 62), raw);
    }
    assertEquals(32, LvmUuid.random().raw().length());
  }
}
