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

  public static ActivationMode of(String code) {
    for (ActivationMode m : values()) {
      if (m.code.equals(code)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown activation mode: " + code);
  }
}
