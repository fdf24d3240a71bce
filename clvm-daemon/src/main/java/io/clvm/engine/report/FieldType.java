package io.clvm.engine.report;

/** lvm2's report value types: they decide alignment, sorting and how -S compares. */
public enum FieldType {
  STR,
  NUM,
  SIZ,
  PCT,
  STR_LIST,
  TIM;

  /** Numbers and sizes are right-aligned in columns, as lvm2 aligns them. */
  public boolean rightAligned() {
    return this == NUM || this == SIZ || this == PCT;
  }
}
