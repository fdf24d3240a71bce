package io.clvm.format;

import java.io.IOException;

/**
 * Corrupt, unsupported or inconsistent LVM2 metadata.
 *
 * <p>Every instance says where the problem is (device, absolute byte offset), in which structure
 * ({@code label_header}, {@code mda_header}, {@code metadata text}, ...) and why. The message is
 * built from these parts in one fixed shape, {@code <device> at byte <offset>: <structure>:
 * <reason>}, so that tests can assert it exactly and operators can grep for it.
 *
 * <p>It is an {@link IOException} because corrupt on-disk data reaches callers through the same
 * paths as a failing read, and they handle both the same way: the device is unusable.
 */
public class MetadataException extends IOException {
  /** What kind of problem this is, for callers that react differently to each. */
  public enum Kind {
    /** A magic number or identifier does not match. */
    BAD_MAGIC,
    /** A stored checksum does not match the data. */
    BAD_CHECKSUM,
    /** The device or buffer ends before the structure does. */
    TRUNCATED,
    /** A version this implementation does not know. */
    UNSUPPORTED_VERSION,
    /** A field holds a value the format does not allow. */
    BAD_VALUE,
    /** The metadata text does not follow the config syntax. */
    SYNTAX,
    /** A required key or section is missing. */
    MISSING,
    /** Copies or structures contradict each other. */
    INCONSISTENT,
    /** The metadata would not fit into a metadata area. */
    NO_SPACE
  }

  /** Offset value meaning "not known". */
  public static final long UNKNOWN_OFFSET = -1;

  private final Kind kind;
  private final String device;
  private final long offset;
  private final String structure;
  private final String reason;

  /**
   * @param kind what went wrong, in one word
   * @param device path or name of the device, or {@code null} when not known (text parsed from
   *     memory)
   * @param offset absolute byte offset of the structure on the device, or {@link #UNKNOWN_OFFSET}
   * @param structure the format's name for the structure, e.g. {@code mda_header}
   * @param reason what is wrong with it
   */
  public MetadataException(Kind kind, String device, long offset, String structure, String reason) {
    this(kind, device, offset, structure, reason, null);
  }

  public MetadataException(
      Kind kind, String device, long offset, String structure, String reason, Throwable cause) {
    super(format(device, offset, structure, reason), cause);
    this.kind = kind;
    this.device = device;
    this.offset = offset;
    this.structure = structure;
    this.reason = reason;
  }

  private static String format(String device, long offset, String structure, String reason) {
    StringBuilder b = new StringBuilder();
    if (device != null) {
      b.append(device);
    }
    if (offset != UNKNOWN_OFFSET) {
      b.append(device != null ? " at byte " : "at byte ").append(offset);
    }
    if (b.length() > 0) {
      b.append(": ");
    }
    return b.append(structure).append(": ").append(reason).toString();
  }

  public Kind kind() {
    return kind;
  }

  /** The device, or {@code null} when the data did not come from a device. */
  public String device() {
    return device;
  }

  /** Absolute byte offset of the structure, or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }

  public String structure() {
    return structure;
  }

  /** The reason alone, without the location. */
  public String reason() {
    return reason;
  }
}
