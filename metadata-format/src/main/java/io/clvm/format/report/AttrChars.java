package io.clvm.format.report;

import io.clvm.format.model.AllocationPolicy;

/** Characters shared by the attribute strings. */
final class AttrChars {
  private AttrChars() {}

  /** lvm2's {@code alloc_policy_char}. */
  static char policy(AllocationPolicy p) {
    return switch (p) {
      case CONTIGUOUS -> 'c';
      case CLING -> 'l';
      case CLING_BY_TAGS -> 't';
      case NORMAL -> 'n';
      case ANYWHERE -> 'a';
      case INHERIT -> 'i';
    };
  }
}
