package io.clvm.cluster.propagate;

/** Payload of {@code vgs/<uuid>/applied/<node>}: the seqno whose tables that node has loaded. */
public record AppliedRecord(long seqno, long time) {
  /**
   * The JSON Jackson writes for this record, {@code {"seqno":N,"time":T}}, without going through
   * Jackson: every node writes one for every commit.
   */
  static byte[] json(long seqno, long time) {
    return ("{\"seqno\":" + seqno + ",\"time\":" + time + "}")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
