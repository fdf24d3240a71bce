package io.clvm.dm.table;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.Sectors;
import java.util.List;

/**
 * The target type and parameters of one table line. Each implementation prints exactly what the
 * kernel prints for its table ({@code DMEMIT} in the target's status function with {@code
 * STATUSTYPE_TABLE}), so that {@code parse(type, params).toParamString()} gives the input back.
 */
public sealed interface TargetParams
    permits LinearTarget, StripedTarget, ErrorTarget, ZeroTarget, OtherTarget {

  /** The target type name, e.g. {@code linear}. */
  String type();

  /** The parameter string as the kernel prints it in a table (may be empty). */
  String toParamString();

  /** The underlying devices this target maps to, in order. */
  default List<DeviceNumber> devices() {
    return List.of();
  }

  /**
   * Checks that a line of {@code length} sectors is valid for this target, as the target's
   * constructor in the kernel would; throws {@link InvalidTableException} otherwise.
   */
  default void checkLength(Sectors length) {}

  /** Parses the parameters of a line whose target type is {@code type}. */
  static TargetParams parse(String type, String params) {
    switch (type) {
      case LinearTarget.TYPE:
        return LinearTarget.parse(params);
      case StripedTarget.TYPE:
        return StripedTarget.parse(params);
      case ErrorTarget.TYPE:
        return ErrorTarget.parse(params);
      case ZeroTarget.TYPE:
        return ZeroTarget.parse(params);
      default:
        return new OtherTarget(type, params);
    }
  }

  /** The parameter string split on blanks, as the kernel's {@code dm_split_args} does. */
  static String[] words(String params) {
    String trimmed = params.strip();
    return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
  }
}
