package io.clvm.format.model;

import java.util.Optional;

/**
 * lvm2's allocation policies with their metadata spelling. A VG's policy defaults to {@link
 * #NORMAL}; an LV's to {@link #INHERIT} (use the VG's).
 */
public enum AllocationPolicy {
  INHERIT("inherit"),
  CONTIGUOUS("contiguous"),
  CLING("cling"),
  CLING_BY_TAGS("cling_by_tags"),
  NORMAL("normal"),
  ANYWHERE("anywhere");

  private final String word;

  AllocationPolicy(String word) {
    this.word = word;
  }

  /** The spelling in metadata and on the command line ({@code --alloc}). */
  public String word() {
    return word;
  }

  public static Optional<AllocationPolicy> of(String word) {
    for (AllocationPolicy p : values()) {
      if (p.word.equals(word)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return word;
  }
}
