package io.clvm.dm.table;

/** {@code zero}: reads return zeros, writes are discarded; no parameters. */
public record ZeroTarget() implements TargetParams {
  public static final String TYPE = "zero";

  public static ZeroTarget parse(String params) {
    if (!params.isBlank()) {
      throw new InvalidTableException("zero target takes no parameters, got \"" + params + "\"");
    }
    return new ZeroTarget();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String toParamString() {
    return "";
  }
}
