package io.clvm.dm.table;

/** A table or table line that device-mapper would refuse, with the reason and the input. */
public class InvalidTableException extends IllegalArgumentException {
  public InvalidTableException(String message) {
    super(message);
  }

  public InvalidTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
