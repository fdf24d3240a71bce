package io.clvm.format.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void genericNameRules() {
    assertTrue(Names.checkVgName("vg-b").isEmpty());
    assertTrue(Names.checkVgName("a+b_c.d-e9").isEmpty());
    assertTrue(Names.checkVgName("").isPresent());
    assertTrue(Names.checkVgName("-vg").isPresent());
    assertTrue(Names.checkVgName(".").isPresent());
    assertTrue(Names.checkVgName("..").isPresent());
    assertTrue(Names.checkVgName("a/b").isPresent());
    assertTrue(Names.checkVgName("#orphans_lvm2").isPresent());
    assertTrue(Names.checkVgName("x".repeat(127)).isEmpty());
    assertTrue(Names.checkVgName("x".repeat(128)).isPresent());
  }

  @Test
  void reservedLvNames() {
    assertEquals(
        "Names starting \"snapshot\" are reserved. Please choose a different LV name.",
        Names.checkLvName("snapshot1").orElseThrow());
    assertTrue(Names.checkLvName("pvmove0").isPresent());
    assertEquals(
        "Names including \"_tdata\" are reserved. Please choose a different LV name.",
        Names.checkLvName("pool_tdata").orElseThrow());
    assertTrue(Names.checkLvName("my_snapshot").isEmpty());
    assertTrue(Names.checkLvName("data-span").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Names.requireLvName("lv_rimage_0"));
    assertTrue(Names.checkLvNameInVg("v".repeat(60), "l".repeat(65)).isPresent());
    assertTrue(Names.checkLvNameInVg("v".repeat(60), "l".repeat(60)).isEmpty());
  }

  @Test
  void tagsAndSystemIds() {
    assertTrue(Names.checkTag("owner=ops").isEmpty());
    assertTrue(Names.checkTag("project.x").isEmpty());
    assertTrue(Names.checkTag("a/b:c&d#e!f").isEmpty());
    assertTrue(Names.checkTag("bad tag").isPresent());
    assertTrue(Names.checkTag("").isPresent());
    assertEquals("host_a", Names.sanitizeSystemId("host_a"));
    assertEquals("hosta", Names.sanitizeSystemId("host a/"));
  }
}
