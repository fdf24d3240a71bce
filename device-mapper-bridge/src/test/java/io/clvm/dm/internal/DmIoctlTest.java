package io.clvm.dm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DriverVersion;
import io.clvm.dm.Errno;
import io.clvm.dm.Sectors;
import io.clvm.dm.TargetVersion;
import io.clvm.dm.internal.DmIoctl.Command;
import io.clvm.dm.internal.DmIoctl.Header;
import io.clvm.dm.internal.DmIoctl.NameEntry;
import io.clvm.dm.internal.DmIoctl.RawTarget;
import io.clvm.dm.table.Table;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte layout of linux/dm-ioctl.h, checked against values computed from the header. */
class DmIoctlTest {
  @Test
  void requestNumbersAreIowrOfTheHeaderSize() {
    assertEquals(0xc138fd00L, Command.DM_VERSION.request());
    assertEquals(0xc138fd03L, Command.DM_DEV_CREATE.request());
    assertEquals(0xc138fd09L, Command.DM_TABLE_LOAD.request());
    assertEquals(0xc138fd0dL, Command.DM_LIST_VERSIONS.request());
    assertEquals(1, Command.DM_LIST_VERSIONS.version()[1]);
    assertEquals(0, Command.DM_DEV_REMOVE.allowedFlags());
  }

  @Test
  void headerRoundTripsAtTheKernelsOffsets() {
    Header h = new Header();
    h.version = new int[] {4, 0, 0};
    h.dataSize = 16384;
    h.dataStart = DmIoctl.HEADER_SIZE;
    h.targetCount = 3;
    h.openCount = 2;
    h.flags = DmIoctl.SUSPEND_FLAG | DmIoctl.NOFLUSH_FLAG;
    h.eventNr = 7;
    h.dev = new DeviceNumber(253, 4).toKernel();
    h.name = "vg-lv-clvmtest";
    h.uuid = "LVM-abc";
    ByteBuffer b = DmIoctl.allocate(DmIoctl.HEADER_SIZE);
    DmIoctl.writeHeader(b, h);
    assertEquals(16384, b.getInt(12));
    assertEquals(312, b.getInt(16));
    assertEquals(DmIoctl.SUSPEND_FLAG | DmIoctl.NOFLUSH_FLAG, b.getInt(28));
    assertEquals('v', b.get(48));
    assertEquals('L', b.get(176));
    Header r = DmIoctl.readHeader(b);
    assertEquals("vg-lv-clvmtest", r.name);
    assertEquals("LVM-abc", r.uuid);
    assertEquals(new DeviceNumber(253, 4), DeviceNumber.fromKernel(r.dev));
    assertEquals(new DriverVersion(4, 0, 0), r.driverVersion());
    assertEquals(3, r.targetCount);
    assertEquals(2, r.openCount);
    assertEquals(7, r.eventNr);
    assertTrue(r.has(DmIoctl.NOFLUSH_FLAG));
    h.name = "x".repeat(128);
    assertThrows(IllegalArgumentException.class, () -> DmIoctl.writeHeader(b, h));
  }

  @Test
  void targetSpecsAsTableLoadExpectsThem() {
    Table t = Table.parse("0 100 linear 7:0 2048\n100 50 error\n");
    byte[] data = DmIoctl.encodeTargets(t.lines());
    ByteBuffer b = ByteBuffer.wrap(data).order(java.nio.ByteOrder.nativeOrder());
    assertEquals(0, b.getLong(0));
    assertEquals(100, b.getLong(8));
    int next = b.getInt(20);
    assertEquals(56, next); // 40 + "7:0 2048\0" (9) = 49, aligned to 56
    assertEquals("linear", cstr(data, 24));
    assertEquals("7:0 2048", cstr(data, 40));
    assertEquals(100, b.getLong(next));
    assertEquals(50, b.getLong(next + 8));
    assertEquals("error", cstr(data, next + 24));
    assertEquals(56 + 48, data.length);
  }

  @Test
  void targetsAsTableStatusReturnsThem() {
    // on output, next is relative to the start of the data area
    ByteBuffer b = DmIoctl.allocate(1024);
    int start = DmIoctl.HEADER_SIZE;
    spec(b, start, 0, 100, 56, "linear", "7:0 2048");
    spec(b, start + 56, 100, 50, 104, "error", "");
    List<RawTarget> ts = DmIoctl.decodeTargets(b, start, 2);
    assertEquals(new RawTarget(Sectors.ZERO, Sectors.of(100), "linear", "7:0 2048"), ts.get(0));
    assertEquals(new RawTarget(Sectors.of(100), Sectors.of(50), "error", ""), ts.get(1));
    assertThrows(IllegalStateException.class, () -> DmIoctl.decodeTargets(b, 1000, 1));
  }

  @Test
  void nameListWithUuids() {
    ByteBuffer b = DmIoctl.allocate(1024);
    int at = DmIoctl.HEADER_SIZE;
    // record 1: dev, next, name "a-clvmtest", then aligned event_nr, flags, uuid
    b.putLong(at, new DeviceNumber(253, 0).toKernel());
    put(b, at + 12, "a-clvmtest");
    int extra = DmIoctl.align8(at + 12 + 11);
    b.putInt(extra, 5);
    b.putInt(extra + 4, DmIoctl.NAME_LIST_FLAG_HAS_UUID);
    put(b, extra + 8, "LVM-x");
    int next = DmIoctl.align8(extra + 8 + 6) - at;
    b.putInt(at + 8, next);
    int at2 = at + next;
    b.putLong(at2, new DeviceNumber(253, 1).toKernel());
    put(b, at2 + 12, "b");
    int extra2 = DmIoctl.align8(at2 + 12 + 2);
    b.putInt(extra2 + 4, 0);
    List<NameEntry> l = DmIoctl.decodeNameList(b, at, new DriverVersion(4, 47, 0));
    assertEquals(
        List.of(
            new NameEntry("a-clvmtest", new DeviceNumber(253, 0), "LVM-x"),
            new NameEntry("b", new DeviceNumber(253, 1), "")),
        l);
    assertEquals("", DmIoctl.decodeNameList(b, at, new DriverVersion(4, 30, 0)).get(0).uuid());
    assertEquals(
        List.of(), DmIoctl.decodeNameList(DmIoctl.allocate(400), at, new DriverVersion(4, 47, 0)));
  }

  @Test
  void targetVersions() {
    ByteBuffer b = DmIoctl.allocate(1024);
    int at = DmIoctl.HEADER_SIZE;
    b.putInt(at, 24);
    b.putInt(at + 4, 1);
    b.putInt(at + 8, 6);
    b.putInt(at + 12, 0);
    put(b, at + 16, "striped");
    b.putInt(at + 24, 0);
    b.putInt(at + 28, 1);
    b.putInt(at + 32, 4);
    put(b, at + 40, "linear");
    assertEquals(
        List.of(
            new TargetVersion("striped", new DriverVersion(1, 6, 0)),
            new TargetVersion("linear", new DriverVersion(1, 4, 0))),
        DmIoctl.decodeVersions(b, at));
  }

  @Test
  void hintsNameTheUsualCause() {
    assertTrue(Hints.of(Command.DM_DEV_REMOVE, Errno.EBUSY).contains("open"));
    assertTrue(Hints.of(Command.DM_TABLE_LOAD, Errno.EINVAL).contains("too small"));
    assertTrue(Hints.of(Command.DM_DEV_CREATE, Errno.EBUSY).contains("already exists"));
    assertTrue(Hints.of(Command.DM_DEV_STATUS, Errno.ENXIO).contains("no such device"));
    assertTrue(Hints.of(Command.DM_DEV_RENAME, Errno.EBUSY).contains("new name"));
    assertTrue(Hints.of(Command.DM_DEV_SUSPEND, Errno.EINVAL).contains("new table"));
    assertEquals("", Hints.of(Command.DM_VERSION, Errno.EIO));
  }

  @Test
  void cString() {
    assertEquals(3, DmIoctl.cString("ab").length);
    assertEquals(0, DmIoctl.cString("ab")[2]);
  }

  private static void spec(
      ByteBuffer b, int at, long start, long len, int next, String type, String s) {
    b.putLong(at, start);
    b.putLong(at + 8, len);
    b.putInt(at + 20, next);
    put(b, at + 24, type);
    put(b, at + 40, s);
  }

  private static void put(ByteBuffer b, int at, String s) {
    byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < raw.length; i++) b.put(at + i, raw[i]);
    b.put(at + raw.length, (byte) 0);
  }

  private static String cstr(byte[] data, int at) {
    int end = at;
    while (data[end] != 0) end++;
    return new String(data, at, end - at, StandardCharsets.US_ASCII);
  }
}
