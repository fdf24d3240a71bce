package io.clvm.engine.report;

/** What a field describes: decides which rows a report needs (lvm2's report types). */
public enum ReportObject {
  LV,
  VG,
  PV,
  SEG,
  PVSEG
}
