package io.clvm.testing.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * 512-byte sectors that say, in text, which test wrote them, which sector of the device they were
 * written to and in which generation: a lost, stale or misplaced write reads back as the wrong
 * words, and the failure message shows what is there instead.
 */
public final class TaggedSectors {
  public static final int SIZE = 512;

  private TaggedSectors() {}

  /** Fills {@code b[at, at + 512)} with the words of ({@code tag}, {@code sector}, generation). */
  public static void fill(ByteBuffer b, int at, String tag, long sector, long generation) {
    byte[] text =
        String.format("%s sector %d generation %d|", tag, sector, generation)
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < SIZE; i++) {
      b.put(at + i, text[i % text.length]);
    }
  }

  /** Fails unless {@code actual[at, at + 512)} holds exactly those words; {@code where} says. */
  public static void check(
      byte[] actual, int at, String tag, long sector, long generation, String where) {
    ByteBuffer expected = ByteBuffer.allocate(SIZE);
    fill(expected, 0, tag, sector, generation);
    String want = new String(expected.array(), StandardCharsets.US_ASCII);
    String got = new String(actual, at, SIZE, StandardCharsets.US_ASCII);
    assertEquals(want, got, "sector " + sector + " " + where);
  }
}
