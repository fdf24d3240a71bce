package io.clvm.format.model;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * An lvm2 identifier (PV, VG or LV UUID): 32 characters from lvm2's 64-character alphabet.
 *
 * <p>The text form is the 38-character dashed form {@code 6-4-4-4-4-4-6} that lvm2 writes into the
 * metadata and prints in reports; {@link #parse} accepts any dash placement, as lvm2 does (it
 * simply drops the dashes).
 */
public record LvmUuid(String raw) {
  /** lvm2's alphabet ({@code lib/uuid/uuid.c}); generation only uses the first 62 characters. */
  public static final String ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#";

  /** Length without dashes. */
  public static final int LENGTH = 32;

  private static final int[] GROUPS = {6, 4, 4, 4, 4, 4, 6};
  // Which characters may appear (lvm2's 62 plus '!' and '#'): a table, as a report checks 2,000
  // UUIDs at 1,000 LVs before the JIT compiler has had a look at this loop.
  private static final boolean[] VALID = new boolean[128];

  static {
    for (char c : ALPHABET.toCharArray()) {
      VALID[c] = true;
    }
  }

  /** The random source, made on first use: SecureRandom's start-up costs every command ~30 ms. */
  private static final class Secure {
    static final RandomGenerator RANDOM = new SecureRandom();
  }

  public LvmUuid {
    if (raw == null || raw.length() != LENGTH) {
      throw new IllegalArgumentException(
          "UUID must have " + LENGTH + " characters without dashes: " + raw);
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = raw.charAt(i);
      if (c >= 128 || !VALID[c]) {
        throw new IllegalArgumentException(
            "UUID contains invalid character '" + raw.charAt(i) + "': " + raw);
      }
    }
  }

  /** Parses the dashed or undashed form: every {@code -} is dropped, 32 characters must remain. */
  public static LvmUuid parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("UUID is missing");
    }
    return new LvmUuid(text.replace("-", ""));
  }

  /** A new random UUID, generated as lvm2 does: each random byte modulo 62 picks a character. */
  public static LvmUuid random() {
    return random(Secure.RANDOM);
  }

  /** As {@link #random()} with a given source, for reproducible tests. */
  public static LvmUuid random(RandomGenerator rng) {
    char[] c = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      c[i] = ALPHABET.charAt((rng.nextInt(256)) % 62);
    }
    return new LvmUuid(new String(c));
  }

  /** The 38-character form {@code xxxxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxxxx}. */
  public String dashed() {
    StringBuilder b = new StringBuilder(38);
    int p = 0;
    for (int g = 0; g < GROUPS.length; g++) {
      if (g > 0) {
        b.append('-');
      }
      b.append(raw, p, p + GROUPS[g]);
      p += GROUPS[g];
    }
    return b.toString();
  }

  /** The dashed form, as lvm2 prints it. */
  @Override
  public String toString() {
    return dashed();
  }
}
