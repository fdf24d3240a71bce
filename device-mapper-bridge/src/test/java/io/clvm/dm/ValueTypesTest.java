package io.clvm.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
  @Test
  void sectors() {
    assertEquals(Sectors.of(8), Sectors.ofBytes(4096));
    assertEquals(4096, Sectors.of(8).bytes());
    assertEquals(Sectors.of(10), Sectors.of(8).plus(Sectors.of(2)));
    assertEquals(Sectors.of(6), Sectors.of(8).minus(Sectors.of(2)));
    assertEquals(Sectors.of(24), Sectors.of(8).times(3));
    assertEquals(Sectors.of(4), Sectors.of(8).dividedBy(2));
    assertThrows(IllegalArgumentException.class, () -> Sectors.of(9).dividedBy(2));
    assertThrows(IllegalArgumentException.class, () -> Sectors.ofBytes(100));
    assertThrows(IllegalArgumentException.class, () -> Sectors.of(-1));
    assertThrows(IllegalArgumentException.class, () -> Sectors.parse("12a"));
    assertEquals("8", Sectors.of(8).toString());
    assertTrue(Sectors.ZERO.isZero());
    assertTrue(Sectors.of(1).compareTo(Sectors.of(2)) < 0);
  }

  @Test
  void deviceNumbers() {
    DeviceNumber d = DeviceNumber.parse("259:65536");
    assertEquals("259:65536", d.toString());
    assertEquals(d, DeviceNumber.fromKernel(d.toKernel()));
    assertEquals(d, DeviceNumber.fromUserspace(d.toUserspace()));
    assertEquals(0x0700L, new DeviceNumber(7, 0).toKernel());
    assertEquals(0xfd03L, new DeviceNumber(253, 3).toUserspace());
    assertThrows(IllegalArgumentException.class, () -> DeviceNumber.parse("7"));
    assertThrows(IllegalArgumentException.class, () -> DeviceNumber.parse("7:"));
    assertThrows(IllegalArgumentException.class, () -> DeviceNumber.parse("a:b"));
    assertThrows(IllegalArgumentException.class, () -> new DeviceNumber(4096, 0));
  }

  @Test
  void deviceNumberOfANode() throws Exception {
    assertEquals(new DeviceNumber(1, 3), DeviceNumber.ofNode(Path.of("/dev/null")));
    assertThrows(Exception.class, () -> DeviceNumber.ofNode(Path.of("/etc/hostname")));
  }

  @Test
  void namesAndUuids() {
    assertEquals("vg--b-data--span", DmName.of("vg--b-data--span").toString());
    assertThrows(IllegalArgumentException.class, () -> DmName.of(""));
    assertThrows(IllegalArgumentException.class, () -> DmName.of("a/b"));
    assertThrows(IllegalArgumentException.class, () -> DmName.of(".."));
    assertThrows(IllegalArgumentException.class, () -> DmName.of("a b"));
    assertThrows(IllegalArgumentException.class, () -> DmName.of("x".repeat(128)));
    DmName.of("x".repeat(127));
    assertEquals("LVM-x", DmUuid.of("LVM-x").toString());
    assertThrows(IllegalArgumentException.class, () -> DmUuid.of("x".repeat(129)));
    assertThrows(IllegalArgumentException.class, () -> DmUuid.of("a\tb"));
    assertThrows(IllegalArgumentException.class, () -> DmUuid.of(""));
  }

  @Test
  void versionsAndErrors() {
    DriverVersion v = new DriverVersion(4, 47, 0);
    assertTrue(v.atLeast(4, 45));
    assertTrue(v.atLeast(3, 99));
    assertTrue(!v.atLeast(4, 48));
    assertEquals("4.47.0", v.toString());
    assertTrue(v.compareTo(new DriverVersion(4, 47, 1)) < 0);
    DeviceMapperException e =
        new DeviceMapperException("DM_DEV_REMOVE", "vg-lv", Errno.EBUSY, "the device is open");
    assertEquals(
        "device-mapper DM_DEV_REMOVE on vg-lv failed: EBUSY (Device or resource busy): the device"
            + " is open",
        e.getMessage());
    assertEquals(Errno.EBUSY, e.errno());
    assertEquals("DM_DEV_REMOVE", e.command());
    assertEquals("vg-lv", e.device().orElseThrow());
    assertEquals("errno 999", Errno.describe(999));
  }
}
