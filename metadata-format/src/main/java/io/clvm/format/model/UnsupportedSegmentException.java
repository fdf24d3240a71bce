package io.clvm.format.model;

/**
 * An operation needs to understand a segment type clvm keeps opaque. The VG is left unchanged; the
 * user can still do it with lvm2 itself.
 */
public class UnsupportedSegmentException extends UnsupportedOperationException {
  private static final long serialVersionUID = 1L;

  private final String segmentType;

  public UnsupportedSegmentException(String operation, String lvFullName, String segmentType) {
    super(
        "Cannot "
            + operation
            + " "
            + lvFullName
            + ": segment type \""
            + segmentType
            + "\" is not supported by clvm (kept unchanged; use lvm2 for this operation).");
    this.segmentType = segmentType;
  }

  public String segmentType() {
    return segmentType;
  }
}
