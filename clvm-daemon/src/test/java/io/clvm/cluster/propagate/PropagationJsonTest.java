package io.clvm.cluster.propagate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clvm.cluster.Json;
import io.clvm.cluster.commit.MdaState;
import io.clvm.cluster.commit.VgState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Propagation's own JSON: what it reads of {@code state}, what it writes to {@code applied}. */
class PropagationJsonTest {
  @Test
  void stateHeadIsTheSeqnoAndTimeOfTheWholeState() throws IOException {
    VgState st =
        new VgState(
            42,
            List.of(new MdaState("pv-1", 4096, 512, 1234, 77), new MdaState("pv-2", 4096, 0, 9, 1)),
            "node2",
            1_795_000_000_123L);
    assertEquals(new StateHead(42, 1_795_000_000_123L), StateHead.parse(Json.write(st)));
  }

  @Test
  void stateHeadSkipsFieldsItDoesNotKnowWhereverTheyAre() throws IOException {
    String json =
        "{\"future\":{\"a\":[1,{\"seqno\":9}]},\"time\":5,\"mdas\":[],\"seqno\":7,\"x\":\"y\"}";
    assertEquals(new StateHead(7, 5), StateHead.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aStateWithoutSeqnoOrNotJsonIsRefused() {
    assertThrows(IOException.class, () -> StateHead.parse("{\"time\":5}".getBytes()));
    assertThrows(IOException.class, () -> StateHead.parse("[1]".getBytes()));
    assertThrows(IOException.class, () -> StateHead.parse("{\"seqno\":".getBytes()));
  }

  @Test
  void appliedRecordIsWhatJacksonWrites() throws IOException {
    for (long seqno : new long[] {0, 1, 123_456_789_012L}) {
      byte[] mine = AppliedRecord.json(seqno, 1_795_000_000_123L);
      assertArrayEquals(Json.write(new AppliedRecord(seqno, 1_795_000_000_123L)), mine);
      assertEquals(
          new AppliedRecord(seqno, 1_795_000_000_123L), Json.read(mine, AppliedRecord.class));
    }
  }
}
