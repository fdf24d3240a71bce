package io.clvm.format.text;

/**
 * Integer conversion as lvm2 does it: C {@code strtoll(s, NULL, 0)}.
 *
 * <p>Quirk kept on purpose: a leading {@code 0} makes the number octal ({@code 010} is 8), and
 * conversion stops silently at the first digit that is not octal ({@code 019} is 1). Overflow
 * saturates at the 64-bit limits. Writers never produce leading zeros, so this only matters for
 * hand-edited text, where we must read what lvm2 reads.
 */
final class LvmIntegers {
  private LvmIntegers() {}

  /** Converts a token of the form {@code [+-]?[0-9]+}. */
  static long parse(String s) {
    int i = 0;
    boolean negative = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    int radix = 10;
    if (s.length() - i > 1 && s.charAt(i) == '0') {
      radix = 8;
      i++;
    }
    long v = 0;
    for (; i < s.length(); i++) {
      int d = s.charAt(i) - '0';
      if (d >= radix) {
        break;
      }
      // Accumulate negatively so that Long.MIN_VALUE is reachable, as strtoll's is.
      if (v < (Long.MIN_VALUE + d) / radix) {
        return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      v = v * radix - d;
    }
    if (negative) {
      return v;
    }
    return v == Long.MIN_VALUE ? Long.MAX_VALUE : -v;
  }
}
