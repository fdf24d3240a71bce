package io.clvm.format.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LvmCrcTest {
  /** lvm2's crc.c, byte at a time: the definition the fast path must agree with. */
  static int reference(int crc, byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      crc ^= b[i] & 0xff;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xEDB88320 : crc >>> 1;
      }
    }
    return crc;
  }

  @Test
  void specTestVectors() {
    assertEquals(0xF597A6CF, crc(""));
    assertEquals(0x319B1949, crc("a"));
    assertEquals(0x4991CF02, crc("123456789"));
    assertEquals(0x34FF1083, crc("LVM2"));
  }

  @Property(tries = 300)
  void agreesWithTheBytewiseDefinition(
      @ForAll @Size(max = 3000) byte[] data, @ForAll @IntRange(max = 3000) int split) {
    int s = Math.min(split, data.length);
    assertEquals(reference(LvmCrc.INITIAL, data, 0, data.length), LvmCrc.of(data));
    // Continuing over a second part, as for a wrapped metadata copy.
    int first = LvmCrc.of(data, 0, s);
    assertEquals(LvmCrc.of(data), LvmCrc.update(first, data, s, data.length - s));
  }

  private static int crc(String s) {
    return LvmCrc.of(s.getBytes(StandardCharsets.US_ASCII));
  }
}
