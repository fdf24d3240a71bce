package io.clvm.dm.table;

/**
 * A target type this library does not model (thin, cache, raid, …), kept verbatim so that a table
 * read from the kernel prints back unchanged. The kernel decides whether it is valid.
 *
 * @param type the target type name
 * @param params the parameter string, verbatim
 */
public record OtherTarget(String type, String params) implements TargetParams {
  /** Checks that the type is one word. */
  public OtherTarget {
    if (type.isEmpty() || type.length() > 15 || !type.matches("[!-~]+")) {
      throw new InvalidTableException("bad target type \"" + type + "\"");
    }
  }

  @Override
  public String toParamString() {
    return params;
  }
}
