package io.clvm.format.report;

/**
 * What device-mapper says about an LV, for the 5th and 6th {@code lv_attr} characters. {@link
 * #UNKNOWN} is what lvm2 shows when it could not ask (activation disabled, no device-mapper):
 * {@code X}.
 */
public enum ActivationState {
  UNKNOWN,
  INACTIVE,
  ACTIVE,
  /** Active and open (mounted or held by a process). */
  OPEN,
  SUSPENDED
}
