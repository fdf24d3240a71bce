package io.clvm.cluster.propagate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.clvm.cluster.Json;
import java.io.IOException;

/**
 * What propagation needs of a VG's {@code state} znode: the committed seqno and when it was
 * committed. Read with Jackson's streaming parser, skipping the rest ({@code mdas}, {@code
 * committer}, and fields a newer daemon may add), instead of binding the whole {@link
 * io.clvm.cluster.commit.VgState}: every node reads it for every commit.
 */
record StateHead(long seqno, long time) {

  static StateHead parse(byte[] data) throws IOException {
    long seqno = -1;
    long time = 0;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("VG state is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("seqno") && value == JsonToken.VALUE_NUMBER_INT) {
          seqno = p.getLongValue();
        } else if (field.equals("time") && value == JsonToken.VALUE_NUMBER_INT) {
          time = p.getLongValue();
        } else {
          p.skipChildren();
        }
      }
    }
    if (seqno < 0) {
      throw new IOException("VG state without a seqno");
    }
    return new StateHead(seqno, time);
  }
}
