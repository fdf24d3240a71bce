package io.clvm.dm;

/**
 * A device-mapper device UUID (an arbitrary identifier, {@code LVM-…} for lvm2's devices): not
 * empty, at most 128 characters ({@code DM_UUID_LEN} 129 with the NUL), printable ASCII.
 *
 * @param value the identifier
 */
public record DmUuid(String value) {
  /** {@code DM_UUID_LEN} from linux/dm-ioctl.h, the terminating NUL included. */
  public static final int MAX_LENGTH = 128;

  /** Validates the identifier. */
  public DmUuid {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("empty dm uuid");
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "dm uuid longer than " + MAX_LENGTH + " characters: \"" + value + "\"");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            "dm uuid with a character outside printable ASCII: \"" + value + "\"");
      }
    }
  }

  public static DmUuid of(String value) {
    return new DmUuid(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
