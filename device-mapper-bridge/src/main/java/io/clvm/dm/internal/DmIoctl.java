package io.clvm.dm.internal;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DriverVersion;
import io.clvm.dm.Sectors;
import io.clvm.dm.table.TargetLine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of linux/dm-ioctl.h: {@code struct dm_ioctl} and the records in its data area ({@code
 * dm_target_spec}, {@code dm_name_list}, {@code dm_target_versions}), encoded and decoded on byte
 * buffers in the machine's byte order. Pure functions, so they are tested without a kernel.
 * Internal: not part of the API.
 */
public final class DmIoctl {
  private DmIoctl() {}

  /** {@code sizeof(struct dm_ioctl)}. */
  public static final int HEADER_SIZE = 312;

  /** {@code sizeof(struct dm_target_spec)}. */
  public static final int TARGET_SPEC_SIZE = 40;

  public static final int NAME_LEN = 128;
  public static final int UUID_LEN = 129;
  public static final int MAX_TYPE_NAME = 16;

  // struct dm_ioctl field offsets
  static final int OFF_VERSION = 0;
  static final int OFF_DATA_SIZE = 12;
  static final int OFF_DATA_START = 16;
  static final int OFF_TARGET_COUNT = 20;
  static final int OFF_OPEN_COUNT = 24;
  static final int OFF_FLAGS = 28;
  static final int OFF_EVENT_NR = 32;
  static final int OFF_DEV = 40;
  static final int OFF_NAME = 48;
  static final int OFF_UUID = OFF_NAME + NAME_LEN;

  // flags (linux/dm-ioctl.h)
  public static final int READONLY_FLAG = 1 << 0;
  public static final int SUSPEND_FLAG = 1 << 1;
  public static final int PERSISTENT_DEV_FLAG = 1 << 3;
  public static final int STATUS_TABLE_FLAG = 1 << 4;
  public static final int ACTIVE_PRESENT_FLAG = 1 << 5;
  public static final int INACTIVE_PRESENT_FLAG = 1 << 6;
  public static final int BUFFER_FULL_FLAG = 1 << 8;
  public static final int SKIP_BDGET_FLAG = 1 << 9;
  public static final int SKIP_LOCKFS_FLAG = 1 << 10;
  public static final int NOFLUSH_FLAG = 1 << 11;
  public static final int QUERY_INACTIVE_TABLE_FLAG = 1 << 12;
  public static final int UEVENT_GENERATED_FLAG = 1 << 13;
  public static final int UUID_FLAG = 1 << 14;
  public static final int SECURE_DATA_FLAG = 1 << 15;
  public static final int DATA_OUT_FLAG = 1 << 16;

  /** {@code DM_NAME_LIST_FLAG_HAS_UUID}: a UUID follows the name in a {@code dm_name_list}. */
  public static final int NAME_LIST_FLAG_HAS_UUID = 1;

  /**
   * The commands, each with the interface version it asks for and the flags it accepts. The
   * versions are those of libdm's {@code _cmd_data_v4} in libdm-iface.c: the lowest version that
   * has the command, so the bridge works with any 4.x kernel that has it.
   */
  public enum Command {
    DM_VERSION(0, 4, 0, 0),
    DM_REMOVE_ALL(1, 4, 0, 0),
    DM_LIST_DEVICES(2, 4, 0, UUID_FLAG),
    DM_DEV_CREATE(3, 4, 0, READONLY_FLAG | PERSISTENT_DEV_FLAG),
    DM_DEV_REMOVE(4, 4, 0, 0),
    DM_DEV_RENAME(5, 4, 0, UUID_FLAG),
    DM_DEV_SUSPEND(6, 4, 0, SUSPEND_FLAG | NOFLUSH_FLAG | SKIP_LOCKFS_FLAG),
    DM_DEV_STATUS(7, 4, 0, 0),
    DM_DEV_WAIT(8, 4, 0, 0),
    DM_TABLE_LOAD(9, 4, 0, READONLY_FLAG),
    DM_TABLE_CLEAR(10, 4, 0, 0),
    DM_TABLE_DEPS(11, 4, 0, QUERY_INACTIVE_TABLE_FLAG),
    DM_TABLE_STATUS(12, 4, 0, STATUS_TABLE_FLAG | QUERY_INACTIVE_TABLE_FLAG | NOFLUSH_FLAG),
    DM_LIST_VERSIONS(13, 4, 1, 0),
    DM_TARGET_MSG(14, 4, 2, 0);

    private final int nr;
    private final int major;
    private final int minor;
    private final int allowedFlags;

    Command(int nr, int major, int minor, int allowedFlags) {
      this.nr = nr;
      this.major = major;
      this.minor = minor;
      this.allowedFlags = allowedFlags;
    }

    /** {@code _IOWR(DM_IOCTL, nr, struct dm_ioctl)}. */
    public long request() {
      return (3L << 30) | ((long) HEADER_SIZE << 16) | (0xfdL << 8) | nr;
    }

    /** The interface version this command asks for. */
    public int[] version() {
      return new int[] {major, minor, 0};
    }

    /** The flags this command accepts; others are stripped before the call. */
    public int allowedFlags() {
      return allowedFlags;
    }
  }

  /** The fields of {@code struct dm_ioctl} that the bridge reads and writes. */
  public static final class Header {
    public int[] version = new int[3];
    public int dataSize;
    public int dataStart;
    public int targetCount;
    public int openCount;
    public int flags;
    public int eventNr;
    public long dev;
    public String name = "";
    public String uuid = "";

    public DriverVersion driverVersion() {
      return new DriverVersion(version[0], version[1], version[2]);
    }

    public boolean has(int flag) {
      return (flags & flag) != 0;
    }
  }

  /** A buffer of {@code size} bytes in the machine's byte order. */
  public static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
  }

  public static void writeHeader(ByteBuffer b, Header h) {
    for (int i = 0; i < 3; i++) b.putInt(OFF_VERSION + 4 * i, h.version[i]);
    b.putInt(OFF_DATA_SIZE, h.dataSize);
    b.putInt(OFF_DATA_START, h.dataStart);
    b.putInt(OFF_TARGET_COUNT, h.targetCount);
    b.putInt(OFF_OPEN_COUNT, h.openCount);
    b.putInt(OFF_FLAGS, h.flags);
    b.putInt(OFF_EVENT_NR, h.eventNr);
    b.putLong(OFF_DEV, h.dev);
    putString(b, OFF_NAME, NAME_LEN, h.name);
    putString(b, OFF_UUID, UUID_LEN, h.uuid);
  }

  public static Header readHeader(ByteBuffer b) {
    Header h = new Header();
    for (int i = 0; i < 3; i++) h.version[i] = b.getInt(OFF_VERSION + 4 * i);
    h.dataSize = b.getInt(OFF_DATA_SIZE);
    h.dataStart = b.getInt(OFF_DATA_START);
    h.targetCount = b.getInt(OFF_TARGET_COUNT);
    h.openCount = b.getInt(OFF_OPEN_COUNT);
    h.flags = b.getInt(OFF_FLAGS);
    h.eventNr = b.getInt(OFF_EVENT_NR);
    h.dev = b.getLong(OFF_DEV);
    h.name = getString(b, OFF_NAME, NAME_LEN);
    h.uuid = getString(b, OFF_UUID, UUID_LEN);
    return h;
  }

  /**
   * The data area of a {@code DM_TABLE_LOAD}: one {@code dm_target_spec} per line followed by its
   * NUL-terminated parameter string, each spec 8-byte aligned; {@code next} is the offset from the
   * start of one spec to the next, as the kernel's {@code populate_table} reads it.
   */
  public static byte[] encodeTargets(List<TargetLine> lines) {
    int size = 0;
    for (TargetLine l : lines) {
      size += align8(TARGET_SPEC_SIZE + utf8(l.target().toParamString()).length + 1);
    }
    ByteBuffer b = allocate(size);
    int at = 0;
    for (TargetLine l : lines) {
      byte[] params = utf8(l.target().toParamString());
      int len = align8(TARGET_SPEC_SIZE + params.length + 1);
      b.putLong(at, l.start().count());
      b.putLong(at + 8, l.length().count());
      b.putInt(at + 16, 0);
      b.putInt(at + 20, len);
      putString(b, at + 24, MAX_TYPE_NAME, l.target().type());
      b.put(at + TARGET_SPEC_SIZE, params);
      at += len;
    }
    return b.array();
  }

  /** A target as {@code DM_TABLE_STATUS} returns it: the line and its table or status string. */
  public record RawTarget(Sectors start, Sectors length, String type, String text) {}

  /**
   * Decodes the {@code count} targets that {@code DM_TABLE_STATUS} put at {@code dataStart}; on
   * output the kernel's {@code next} is the offset of the next spec from the data start.
   */
  public static List<RawTarget> decodeTargets(ByteBuffer b, int dataStart, int count) {
    List<RawTarget> out = new ArrayList<>(count);
    int spec = dataStart;
    for (int i = 0; i < count; i++) {
      check(b, spec, TARGET_SPEC_SIZE, "dm_target_spec");
      long start = b.getLong(spec);
      long length = b.getLong(spec + 8);
      int next = b.getInt(spec + 20);
      String type = getString(b, spec + 24, MAX_TYPE_NAME);
      String text = getString(b, spec + TARGET_SPEC_SIZE, b.limit() - spec - TARGET_SPEC_SIZE);
      out.add(new RawTarget(Sectors.of(start), Sectors.of(length), type, text));
      spec = dataStart + next;
    }
    return out;
  }

  /** A device in a {@code dm_name_list}. */
  public record NameEntry(String name, DeviceNumber device, String uuid) {}

  /**
   * Decodes the {@code dm_name_list} records of {@code DM_LIST_DEVICES} at {@code dataStart}. From
   * driver 4.45 on, each name is followed (8-byte aligned) by the event number, flags and, when
   * {@code DM_NAME_LIST_FLAG_HAS_UUID} is set, the UUID.
   */
  public static List<NameEntry> decodeNameList(ByteBuffer b, int dataStart, DriverVersion version) {
    List<NameEntry> out = new ArrayList<>();
    int at = dataStart;
    check(b, at, 12, "dm_name_list");
    if (b.getLong(at) == 0) return out; // no devices
    while (true) {
      check(b, at, 12, "dm_name_list");
      long dev = b.getLong(at);
      int next = b.getInt(at + 8);
      int end = next == 0 ? b.limit() : at + next;
      String name = getString(b, at + 12, end - at - 12);
      String uuid = "";
      if (version.atLeast(4, 45)) {
        int extra = align8(at + 12 + utf8(name).length + 1);
        if (extra + 8 <= end) {
          int flags = b.getInt(extra + 4);
          if ((flags & NAME_LIST_FLAG_HAS_UUID) != 0)
            uuid = getString(b, extra + 8, end - extra - 8);
        }
      }
      out.add(new NameEntry(name, DeviceNumber.fromKernel(dev), uuid));
      if (next == 0) return out;
      at += next;
    }
  }

  /** Decodes the {@code dm_target_versions} records of {@code DM_LIST_VERSIONS}. */
  public static List<io.clvm.dm.TargetVersion> decodeVersions(ByteBuffer b, int dataStart) {
    List<io.clvm.dm.TargetVersion> out = new ArrayList<>();
    int at = dataStart;
    while (true) {
      check(b, at, 16, "dm_target_versions");
      int next = b.getInt(at);
      DriverVersion v = new DriverVersion(b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12));
      int end = next == 0 ? b.limit() : at + next;
      String name = getString(b, at + 16, end - at - 16);
      if (!name.isEmpty()) out.add(new io.clvm.dm.TargetVersion(name, v));
      if (next == 0) return out;
      at += next;
    }
  }

  /** Writes a NUL-terminated string at {@code at}; the data area of a rename. */
  public static byte[] cString(String s) {
    byte[] raw = utf8(s);
    byte[] out = new byte[raw.length + 1];
    System.arraycopy(raw, 0, out, 0, raw.length);
    return out;
  }

  public static int align8(int n) {
    return (n + 7) & ~7;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void check(ByteBuffer b, int at, int len, String what) {
    if (at < 0 || at + len > b.limit()) {
      throw new IllegalStateException(
          "device-mapper returned a truncated " + what + " at offset " + at + " of " + b.limit());
    }
  }

  private static void putString(ByteBuffer b, int at, int max, String s) {
    byte[] raw = utf8(s);
    if (raw.length >= max) {
      throw new IllegalArgumentException("\"" + s + "\" longer than " + (max - 1) + " bytes");
    }
    for (int i = 0; i < max; i++) b.put(at + i, i < raw.length ? raw[i] : 0);
  }

  private static String getString(ByteBuffer b, int at, int max) {
    int end = at;
    int limit = Math.min(b.limit(), at + Math.max(max, 0));
    while (end < limit && b.get(end) != 0) end++;
    byte[] raw = new byte[end - at];
    for (int i = 0; i < raw.length; i++) raw[i] = b.get(at + i);
    return new String(raw, StandardCharsets.UTF_8);
  }
}
