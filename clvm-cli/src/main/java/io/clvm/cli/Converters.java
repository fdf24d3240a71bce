package io.clvm.cli;

import io.clvm.engine.units.ExtentsArg;
import io.clvm.engine.units.SizeArg;
import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.Names;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for lvm2's argument types, failing with lvm2's messages. */
final class Converters {
  private Converters() {}

  /** {@code -L 10G}, {@code -L +10G}. */
  static final class Size implements ITypeConverter<SizeArg> {
    @Override
    public SizeArg convert(String value) {
      try {
        return SizeArg.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A size that takes no sign ({@code --metadatasize}, {@code -s}...). */
  static final class UnsignedSize implements ITypeConverter<SizeArg> {
    @Override
    public SizeArg convert(String value) {
      SizeArg size = new Size().convert(value);
      if (size.sign() != io.clvm.engine.units.Sign.NONE) {
        throw new TypeConversionException("Size may not be relative/signed.");
      }
      return size;
    }
  }

  /** {@code -p rw|r}. */
  static final class Permission implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.equals("rw") && !value.equals("r")) {
        throw new TypeConversionException("");
      }
      return value;
    }
  }

  /** {@code -r auto|none|Size}: lvm2 reads a number as a size in sectors' units. */
  static final class ReadAhead implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.equals("auto") && !value.equals("none")) {
        new UnsignedSize().convert(value);
      }
      return value;
    }
  }

  /** {@code -l 100%FREE}. */
  static final class Extents implements ITypeConverter<ExtentsArg> {
    @Override
    public ExtentsArg convert(String value) {
      try {
        return ExtentsArg.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code y|n}. */
  static final class YesNo implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      switch (value) {
        case "y":
        case "Y":
        case "yes":
        case "true": // picocli hands a clustered boolean option ("-Zy") over as true/false
          return true;
        case "n":
        case "N":
        case "no":
        case "false":
          return false;
        default:
          throw new TypeConversionException("");
      }
    }
  }

  /** A whole number (stripes, copies). */
  static final class Count implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value);
        if (n < 0) {
          throw new TypeConversionException("");
        }
        return n;
      } catch (NumberFormatException e) {
        throw new TypeConversionException("");
      }
    }
  }

  /**
   * {@code -a/--activate}: lvm2's activation values, checked while parsing as lvm2 does ("Invalid
   * argument for --activate: maybe", exit 3) and handed on as typed.
   */
  static final class Activate implements ITypeConverter<String> {
    private static final java.util.Set<String> VALUES =
        java.util.Set.of("y", "n", "ay", "an", "ey", "en", "sy", "sn", "ly", "ln");

    @Override
    public String convert(String value) {
      if (!VALUES.contains(value)) {
        throw new TypeConversionException("");
      }
      return value;
    }
  }

  /** {@code --alloc}: one of lvm2's allocation policies. */
  static final class Alloc implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (AllocationPolicy.of(value).isEmpty()) {
        throw new TypeConversionException("Unrecognised allocation policy " + value);
      }
      return value;
    }
  }

  /** {@code --addtag/--deltag}: a valid tag; a leading {@code @} is dropped, as lvm2 does. */
  static final class Tag implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String tag = value.startsWith("@") ? value.substring(1) : value;
      if (Names.checkTag(tag).isPresent()) {
        throw new TypeConversionException("");
      }
      return tag;
    }
  }
}
