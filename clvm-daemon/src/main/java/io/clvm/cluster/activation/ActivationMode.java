package io.clvm.cluster.activation;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a node has an LV active: exclusively ({@code -aey}) or shared ({@code -asy}). */
public enum ActivationMode {
  EXCLUSIVE("ex"),
  SHARED("sh");

  private final String code;

  ActivationMode(String code) {
    this.code = code;
  }

  @JsonValue
  public String code() {
    return code;
  }

  /** The mode in words, as the fencing and start-up log lines say it. */
  public String word() {
    return this == EXCLUSIVE ? "exclusive" : "shared";
  }

  public static ActivationMode of(String code) {
    for (ActivationMode m : values()) {
      if (m.code.equals(code)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown activation mode: " + code);
  }
}
