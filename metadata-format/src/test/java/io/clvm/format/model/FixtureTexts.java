package io.clvm.format.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.format.fixtures.Lvm2Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed metadata text of each fixture PV, cut out of the device image with the locations
 * the fixture's independent decoder recorded ({@code <pv>.decoded.json}), wrap-around included.
 */
final class FixtureTexts {
  static final ObjectMapper JSON = new ObjectMapper();

  private FixtureTexts() {}

  /** One metadata copy as it is on disk: the text and its NUL. */
  record DiskText(Lvm2Fixtures.Pv pv, long mdaStart, byte[] bytes) {
    /** The text without the NUL. */
    byte[] text() {
      return java.util.Arrays.copyOf(bytes, bytes.length - 1);
    }

    @Override
    public String toString() {
      return pv.name() + "@" + mdaStart;
    }
  }

  static JsonNode json(String scenario, String file) {
    try {
      return JSON.readTree(Lvm2Fixtures.bytes(scenario + "/" + file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every metadata copy in the first MiB of every fixture PV (slot 0 of each mda there). */
  static List<DiskText> all() {
    List<DiskText> out = new ArrayList<>();
    for (Lvm2Fixtures.Pv pv : Lvm2Fixtures.allPvs()) {
      JsonNode d = json(pv.scenario(), pv.name() + ".decoded.json");
      byte[] head = null;
      for (JsonNode mda : d.get("mdas")) {
        long start = mda.get("mda_start").asLong();
        long size = mda.get("size").asLong();
        JsonNode slot0 = mda.get("raw_locns").get(0);
        if (slot0.get("offset").asLong() == 0 || start >= (1 << 20)) {
          continue;
        }
        if (head == null) {
          head = pv.head();
        }
        int off = (int) slot0.get("offset").asLong();
        int len = (int) slot0.get("size").asLong();
        byte[] text = new byte[len];
        int first = (int) Math.min(len, size - off);
        System.arraycopy(head, (int) start + off, text, 0, first);
        // Wrapped copy: the rest continues right after the 512-byte mda header.
        System.arraycopy(head, (int) start + 512, text, first, len - first);
        out.add(new DiskText(pv, start, text));
      }
    }
    return out;
  }
}
