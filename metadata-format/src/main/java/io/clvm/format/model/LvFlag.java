package io.clvm.format.model;

import java.util.Map;
import java.util.Optional;

/**
 * LV status and compatible flag words in lvm2's table order (lvm2 2.03.16). Segment-type flags such
 * as {@code RESHAPE} belong to RAID segments, which clvm keeps opaque, so they are not here. {@code
 * WRITE_LOCKED} is a disk spelling of {@link #WRITE}, see {@link VgFlag}.
 */
public enum LvFlag implements FlagWord {
  READ(FlagKind.STATUS),
  WRITE(FlagKind.STATUS),
  FIXED_MINOR(FlagKind.STATUS),
  VISIBLE(FlagKind.STATUS),
  PVMOVE(FlagKind.STATUS),
  LOCKED(FlagKind.STATUS),
  NOTSYNCED(FlagKind.STATUS),
  REBUILD(FlagKind.STATUS),
  WRITEMOSTLY(FlagKind.STATUS),
  ACTIVATION_SKIP(FlagKind.COMPATIBLE),
  NOAUTOACTIVATE(FlagKind.COMPATIBLE),
  ERROR_WHEN_FULL(FlagKind.COMPATIBLE),
  CACHE_VOL(FlagKind.COMPATIBLE);

  private final FlagKind kind;

  LvFlag(FlagKind kind) {
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

  private static final Map<String, LvFlag> BY_WORD = FlagWord.byWord(values());

  public static Optional<LvFlag> of(String word) {
    return Optional.ofNullable(word == null ? null : BY_WORD.get(word));
  }
}
