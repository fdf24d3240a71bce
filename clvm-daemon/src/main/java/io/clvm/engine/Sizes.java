package io.clvm.engine;

import io.clvm.engine.units.ExtentsArg;
import io.clvm.engine.units.Sign;
import io.clvm.engine.units.SizeArg;
import io.clvm.engine.units.Units;
import io.clvm.format.alloc.SizeSpec;

/** Size arguments and lvm2's way of printing sizes in its messages. */
final class Sizes {
  private Sizes() {}

  /** {@code -L} or {@code -l} as the allocator takes it. */
  static SizeSpec spec(SizeArg size, ExtentsArg extents) throws EngineException {
    if (size != null) {
      return new SizeSpec(SizeSpec.Kind.BYTES, size.bytes(), sign(size.sign()));
    }
    if (extents == null) {
      throw new EngineException("Please specify either size or extents.", EngineException.INVALID);
    }
    SizeSpec.Kind kind;
    switch (extents.percent()) {
      case VG:
        kind = SizeSpec.Kind.PERCENT_VG;
        break;
      case FREE:
        kind = SizeSpec.Kind.PERCENT_FREE;
        break;
      case PVS:
        kind = SizeSpec.Kind.PERCENT_PVS;
        break;
      case ORIGIN:
        throw new EngineException("clvm has no snapshots: %ORIGIN is not supported.");
      default:
        kind = SizeSpec.Kind.EXTENTS;
    }
    return new SizeSpec(kind, extents.value(), sign(extents.sign()));
  }

  private static int sign(Sign s) {
    return s == Sign.PLUS ? 1 : s == Sign.MINUS ? -1 : 0;
  }

  /** "8.00 MiB" as lvm2's messages print sizes. */
  static String human(long bytes) {
    return Units.HUMAN.format(bytes, true, Units.Suffix.SHORT);
  }

  /** A stripe size argument: KiB unless a unit is given, as lvm2's -I. */
  static long stripeSizeSectors(String arg) throws EngineException {
    if (arg == null) {
      return 0;
    }
    String a = arg.trim();
    boolean hasUnit = !a.isEmpty() && Character.isLetter(a.charAt(a.length() - 1));
    SizeArg s;
    try {
      s = SizeArg.parse(hasUnit ? a : a + "k");
    } catch (IllegalArgumentException e) {
      throw new EngineException(
          "Invalid argument for --stripesize: " + arg, EngineException.INVALID);
    }
    long sectors = s.bytes() / 512;
    if (sectors < 8 || Long.bitCount(sectors) != 1) {
      throw new EngineException(
          "Invalid stripe size "
              + (s.bytes() == 0 ? "0" : human(s.bytes()))
              + ": must be a power of 2 of at least 4 KiB.",
          EngineException.INVALID);
    }
    return sectors;
  }
}
