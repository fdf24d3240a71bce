package io.clvm.dm.table;

/** {@code error}: every I/O to the line fails; no parameters. */
public record ErrorTarget() implements TargetParams {
  public static final String TYPE = "error";

  public static ErrorTarget parse(String params) {
    if (!params.isBlank()) {
      throw new InvalidTableException("error target takes no parameters, got \"" + params + "\"");
    }
    return new ErrorTarget();
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
