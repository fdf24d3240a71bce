package io.clvm.format.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.clvm.format.MetadataException;
import io.clvm.format.text.BigVgText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The daemon's parsed-text cache: content-addressed (other bytes always miss, even in the same
 * bucket), trees dropped for large texts and once a model is attached, bounded by estimated heap.
 */
class ParsedTextsTest {
  private static final long NO_OFFSET = MetadataException.UNKNOWN_OFFSET;

  private static byte[] text(int lvs) {
    return BigVgText.generate(lvs).getBytes(StandardCharsets.UTF_8);
  }

  private static TextInfo info(ParsedTexts c, byte[] t, long key) throws MetadataException {
    return c.info(t, t.length, key, null, NO_OFFSET);
  }

  @Test
  void theSameBytesHitOtherBytesMissEvenInTheSameBucket() throws Exception {
    ParsedTexts c = new ParsedTexts(8, 1L << 30);
    byte[] a = text(3);
    byte[] b =
        new String(a, StandardCharsets.UTF_8)
            .replace("seqno = 7", "seqno = 8")
            .getBytes(StandardCharsets.UTF_8);
    TextInfo first = info(c, a, 42);
    assertSame(first, info(c, a.clone(), 42));
    // Same key (a CRC collision, forced): the bytes decide.
    TextInfo other = info(c, b, 42);
    assertEquals(7, first.seqno());
    assertEquals(8, other.seqno());
    assertEquals(1, c.hits());
    assertEquals(2, c.misses());
  }

  @Test
  void aLargeTextIsKeptWithoutItsTreeASmallOneWithIt() throws Exception {
    byte[] small = text(3);
    byte[] large = text(40);
    ParsedTexts c = new ParsedTexts(8, 1L << 30, small.length);
    assertNotNull(c.tree(small), "parsed now");
    assertNotNull(c.tree(large), "parsed now: the caller gets the tree");
    assertNotNull(c.tree(small), "kept with its tree");
    assertNull(c.tree(large), "kept without its tree");
    assertEquals(2, c.misses());
    assertEquals(7, c.summary(large).seqno());
    assertEquals(2, c.misses());
  }

  @Test
  void anAttachedModelDropsTheTreeAndOtherBytesHaveNoModel() throws Exception {
    ParsedTexts c = new ParsedTexts(8, 1L << 30);
    byte[] a = text(3);
    c.tree(a);
    Object model = new Object();
    c.attach(a, model);
    assertSame(model, c.model(a.clone()));
    assertNull(c.tree(a));
    byte[] changed = a.clone();
    changed[changed.length - 3] = 'X'; // another writer's bytes: same length, same VG
    assertNull(c.model(changed));
    c.attach(changed, new Object()); // not kept: nothing to attach to
    assertNull(c.model(changed));
  }

  @Test
  void aPrintedTextIsNotParsedWhenReadBack() throws Exception {
    ParsedTexts c = new ParsedTexts(8, 1L << 30);
    byte[] a = text(3);
    Object model = new Object();
    ParsedTexts.Summary s =
        new ParsedTexts.Summary("big", "4b57dx-0cMO-zifh-pCxB-IjTS-y5Dh-HI6JB9", 7, List.of("x"));
    c.printed(a, s, model);
    assertEquals(s, c.summary(a));
    assertSame(model, c.model(a));
    assertEquals(0, c.misses());
    byte[] changed = a.clone();
    changed[changed.length - 3] = 'X';
    assertNull(c.model(changed));
    assertEquals(List.of("Chkb4w2d7LUFP982KXeiL286Topxsr4I"), c.summary(changed).pvIds());
    assertEquals(1, c.misses());
  }

  @Test
  void boundedByEstimatedHeapTheNewestStays() throws Exception {
    byte[] a = text(20);
    // Room for one text with a model, not two.
    ParsedTexts c = new ParsedTexts(8, (1 + ParsedTexts.MODEL_FACTOR) * (long) a.length + 100, 0);
    Object m = new Object();
    c.printed(a, c.summary(a), m);
    assertEquals(1, c.size());
    byte[] b =
        new String(a, StandardCharsets.UTF_8)
            .replace("seqno = 7", "seqno = 9")
            .getBytes(StandardCharsets.UTF_8);
    c.printed(b, c.summary(b), new Object());
    assertEquals(1, c.size());
    assertNull(c.model(a), "the oldest went");
    assertNotSame(m, c.model(b));
    assertNotNull(c.model(b));
  }
}
