package io.clvm.dm;

/**
 * A device-mapper device name, validated as the kernel does: not empty, at most 127 bytes ({@code
 * DM_NAME_LEN} 128 with the NUL), no {@code /}, not {@code .} or {@code ..}; printable ASCII only.
 *
 * @param value the name
 */
public record DmName(String value) {
  /** {@code DM_NAME_LEN} from linux/dm-ioctl.h, the terminating NUL included. */
  public static final int MAX_LENGTH = 127;

  /** Validates the name. */
  public DmName {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("empty dm name");
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "dm name longer than " + MAX_LENGTH + " characters: \"" + value + "\"");
    }
    if (value.equals(".") || value.equals("..") || value.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "dm name must not be . or .. or contain /: \"" + value + "\"");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            "dm name with a character outside printable ASCII: \"" + value + "\"");
      }
    }
  }

  public static DmName of(String value) {
    return new DmName(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
