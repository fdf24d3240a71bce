package io.clvm.format.disk;

import java.util.zip.CRC32;

/**
 * lvm2's CRC-32 variant ({@code lib/misc/crc.c}): the reflected CRC-32 polynomial {@code
 * 0xEDB88320}, initial register {@value #INITIAL_HEX}, no final inversion.
 *
 * <p>{@link CRC32} cannot be seeded, but it is a JVM intrinsic and many times faster than a table
 * loop, which matters for multi-megabyte metadata texts. CRC registers are linear over GF(2), so
 * the register for any seed is the one {@code CRC32} computes (seed {@code 0xFFFFFFFF}) corrected
 * by the difference of the seeds shifted through {@code len} zero bytes; the shift is a
 * multiplication by {@code x^(8 len)} modulo the polynomial, as in zlib's {@code crc32_combine}.
 */
public final class LvmCrc {
  /** The initial register, {@code INITIAL_CRC} in lvm2. */
  public static final int INITIAL = 0xF597A6CF;

  static final String INITIAL_HEX = "0xF597A6CF";

  private static final int POLY = 0xEDB88320;

  /** {@code X2N[k]} = x^(2^k) modulo the polynomial, in reflected bit order. */
  private static final int[] X2N = new int[32];

  static {
    int p = 1 << 30; // x^1
    X2N[0] = p;
    for (int k = 1; k < 32; k++) {
      p = multModP(p, p);
      X2N[k] = p;
    }
  }

  private LvmCrc() {}

  /** The checksum lvm2 stores for {@code len} bytes at {@code off}. */
  public static int of(byte[] buf, int off, int len) {
    return update(INITIAL, buf, off, len);
  }

  public static int of(byte[] buf) {
    return of(buf, 0, buf.length);
  }

  /**
   * Continues a checksum over more bytes, as lvm2 does across the two parts of a wrapped metadata
   * copy.
   */
  public static int update(int crc, byte[] buf, int off, int len) {
    CRC32 std = new CRC32();
    std.update(buf, off, len);
    int fromAllOnes = ~(int) std.getValue();
    return fromAllOnes ^ shiftThroughZeros(crc ^ 0xFFFFFFFF, len);
  }

  /** The register {@code reg} after {@code len} zero bytes. */
  private static int shiftThroughZeros(int reg, long len) {
    if (reg == 0 || len == 0) {
      return reg;
    }
    int p = 1 << 31; // x^0
    long n = len;
    int k = 3; // bytes to bits: x^(8 len) = x^(2^3 len)
    while (n != 0) {
      if ((n & 1) != 0) {
        p = multModP(X2N[k & 31], p);
      }
      n >>>= 1;
      k++;
    }
    return multModP(p, reg);
  }

  /** a * b modulo the polynomial, both in reflected bit order. */
  private static int multModP(int a, int b) {
    int m = 1 << 31;
    int p = 0;
    while (true) {
      if ((a & m) != 0) {
        p ^= b;
        if ((a & (m - 1)) == 0) {
          break;
        }
      }
      m >>>= 1;
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
    return p;
  }
}
