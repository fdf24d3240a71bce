package io.clvm.cluster.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VgStateStoreTest {
  @Test
  void nameOnlyReadsSeqnoAndNameFromTheBlobsStart() throws Exception {
    String text = "vg.0-x_+ {\nid = \"abc\"\nseqno = 42\n}\n" + "x".repeat(100_000) + "\n";
    CommittedVg c = VgStateStore.nameOnly("u", VgStateStore.encode(42, text));
    assertEquals(42, c.seqno());
    assertEquals("vg.0-x_+ {", c.text());
  }

  @Test
  void nameOnlyFallsBackToTheWholeBlobForAnUnusualStart() throws Exception {
    String text = "# a comment first\nvg {\nseqno = 3\n}\n";
    CommittedVg c = VgStateStore.nameOnly("u", VgStateStore.encode(3, text));
    assertEquals(3, c.seqno());
    assertEquals(text, c.text());
  }
}
