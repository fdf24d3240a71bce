package io.clvm.format.model;

import java.util.Map;
import java.util.Optional;

/**
 * VG status and compatible flag words, in the order of lvm2's flag table ({@code
 * lib/format_text/flags.c}), which is the order lvm2 prints them in.
 *
 * <p>{@code WRITE_LOCKED} is not a member: it is a spelling of {@link #WRITE} that lvm2 uses on
 * disk when the VG has a system ID or a lock type (see {@link VolumeGroup#writeLocked()}); the
 * reader maps it back to {@code WRITE} and the printer derives it.
 */
public enum VgFlag implements FlagWord {
  EXPORTED(FlagKind.STATUS),
  RESIZEABLE(FlagKind.STATUS),
  PVMOVE(FlagKind.STATUS),
  READ(FlagKind.STATUS),
  WRITE(FlagKind.STATUS),
  CLUSTERED(FlagKind.STATUS),
  SHARED(FlagKind.STATUS),
  NOAUTOACTIVATE(FlagKind.COMPATIBLE);

  private final FlagKind kind;

  VgFlag(FlagKind kind) {
    this.kind = kind;
  }

  @Override
  public FlagKind kind() {
    return kind;
  }

  @Override
  public String word() {
    return name();
  }

  /** The flag spelled {@code word}, if lvm2 knows it for VGs. */
  private static final Map<String, VgFlag> BY_WORD = FlagWord.byWord(values());

  public static Optional<VgFlag> of(String word) {
    return Optional.ofNullable(word == null ? null : BY_WORD.get(word));
  }
}
