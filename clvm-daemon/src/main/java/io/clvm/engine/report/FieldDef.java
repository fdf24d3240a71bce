package io.clvm.engine.report;

/**
 * One lvm2 report field.
 *
 * @param id lvm2's field name ({@code lv_size})
 * @param object what it describes
 * @param type how it is aligned, sorted and selected
 * @param heading the column heading lvm2 prints
 * @param minWidth lvm2's minimum column width; 0 means the heading's width
 * @param fallback what lvm2 prints for an ordinary linear LV on a host without device-mapper, used
 *     for the fields clvm has nothing to say about (thin, cache, raid, vdo...)
 */
public record FieldDef(
    String id, ReportObject object, FieldType type, String heading, int minWidth, String fallback) {

  /** The starting column width: lvm2 truncates a heading longer than a nonzero minimum width. */
  public int initialWidth() {
    return minWidth > 0 ? minWidth : heading.length();
  }
}
