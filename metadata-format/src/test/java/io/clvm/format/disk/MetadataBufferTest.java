package io.clvm.format.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataBufferTest {
  private static MdaHeader header(long size, RawLocn slot0) {
    return new MdaHeader(0, 1, 4096, size, slot0, RawLocn.EMPTY);
  }

  @Test
  void nextOffsetFollowsLvm2() {
    assertEquals(512, MetadataBuffer.nextOffset(header(1044480, RawLocn.EMPTY), 100));
    RawLocn ignored = new RawLocn(2560, 1284, 1, DiskFormat.RAW_LOCN_IGNORED);
    assertEquals(512, MetadataBuffer.nextOffset(header(1044480, ignored), 100));
    // Fixture a: copies at 512, 1536, 2560, and the next one after 2560 + 1284.
    assertEquals(1536, MetadataBuffer.nextOffset(header(1044480, new RawLocn(512, 1000, 0, 0)), 1));
    assertEquals(
        4096, MetadataBuffer.nextOffset(header(1044480, new RawLocn(2560, 1284, 0, 0)), 1));
    // Fixture c: the wrapped copy ends 11 bytes into the buffer; the next starts at 1024.
    assertEquals(1024, MetadataBuffer.nextOffset(header(32768, new RawLocn(31232, 1547, 0, 0)), 1));
    // Fewer than 512 bytes left before the end: back to the start.
    assertEquals(512, MetadataBuffer.nextOffset(header(32768, new RawLocn(31744, 700, 0, 0)), 1));
    // Exactly one unit left: the next copy starts there and wraps.
    assertEquals(
        32256, MetadataBuffer.nextOffset(header(32768, new RawLocn(31232, 1000, 0, 0)), 1));
    assertEquals(15616, MetadataBuffer.maxTextSize(32768));
    assertEquals(521472, MetadataBuffer.maxTextSize(1044480));
  }

  @Test
  void overlapIsCircular() {
    MdaHeader h = header(32768, new RawLocn(31232, 1547, 0, 0));
    assertTrue(MetadataBuffer.overlapsCommitted(h, 512, 20));
    assertTrue(MetadataBuffer.overlapsCommitted(h, 30720, 600));
    assertFalse(MetadataBuffer.overlapsCommitted(h, 1024, 20000));
    assertFalse(MetadataBuffer.overlapsCommitted(header(32768, RawLocn.EMPTY), 512, 20000));
  }

  @Test
  void wrappedWriteIsTwoPaddedParts() throws Exception {
    MemoryDevice dev = new MemoryDevice("m", 4096 + 32768, 4096);
    Arrays.fill(dev.bytes(), (byte) 0x55);
    MdaHeader h = header(32768, RawLocn.EMPTY);
    byte[] text = new byte[1547];
    Arrays.fill(text, (byte) 'x');
    text[1546] = 0;
    RawLocn slot = MetadataBuffer.write(dev, h, 31232, text);
    assertEquals(new RawLocn(31232, 1547, Integer.toUnsignedLong(LvmCrc.of(text)), 0), slot);
    assertArrayEquals(text, MetadataBuffer.read(dev, h, slot));
    // The second part is zero-padded to 512 bytes; the rest of that 4K block is kept.
    assertEquals(0, dev.bytes()[4096 + 512 + 11]);
    assertEquals(0, dev.bytes()[4096 + 1023]);
    assertEquals(0x55, dev.bytes()[4096 + 1024]);
    assertEquals(0x55, dev.bytes()[4096 + 31231]);
    for (MemoryDevice.Write w : dev.writes()) {
      assertEquals(0, w.offset() % 4096);
      assertEquals(0, w.length() % 4096);
    }
  }

  @Test
  void regularFileDevice(@TempDir Path tmp) throws Exception {
    Path f = Files.write(tmp.resolve("pv-clvmtest.img"), new byte[3 * 4096]);
    try (FileDevice d = FileDevice.open(f, true, 4096)) {
      assertFalse(d.isDirect());
      assertEquals(4096, d.logicalBlockSize());
      d.write(700, new byte[] {1, 2, 3});
      d.flush();
      assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, d.read(699, 5, "x"));
      assertEquals(List.of(), List.of());
    }
    try (FileDevice d = FileDevice.openReadOnly(f)) {
      assertEquals(512, d.logicalBlockSize());
      assertEquals(3 * 4096, d.size());
      assertEquals(
          "f at byte 12000: x: device is truncated: needs bytes 12000..12999 but the device has"
              + " 12288 bytes",
          assertThrowsMessage(() -> d.read(12000, 1000, "x")).replace(f.toString(), "f"));
    }
  }

  private static String assertThrowsMessage(org.junit.jupiter.api.function.Executable e) {
    return org.junit.jupiter.api.Assertions.assertThrows(io.clvm.format.MetadataException.class, e)
        .getMessage();
  }
}
