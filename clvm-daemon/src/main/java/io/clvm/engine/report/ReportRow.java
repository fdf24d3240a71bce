package io.clvm.engine.report;

/**
 * One row of a report: an LV (with its VG), a PV, a segment... The engine implements it over the
 * metadata model; a null value means "print what lvm2 prints for a plain linear LV".
 */
@FunctionalInterface
public interface ReportRow {
  /** The value of {@code field} in this row, or null for the field's fallback. */
  Value value(FieldDef field);
}
