package io.clvm.engine.report;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The five reports of lvm2 (pvs, vgs, lvs, lvs --segments, pvs --segments) with their default
 * columns, default sort order and JSON name, as lvm2 2.03.16's built-in configuration has them.
 */
public enum ReportKind {
  PVS(
      "pv",
      "pv_",
      "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free",
      "pv_name",
      EnumSet.of(ReportObject.PV)),
  VGS(
      "vg",
      "vg_",
      "vg_name,pv_count,lv_count,snap_count,vg_attr,vg_size,vg_free",
      "vg_name",
      EnumSet.of(ReportObject.VG)),
  LVS(
      "lv",
      "lv_",
      "lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,metadata_percent,move_pv,"
          + "mirror_log,copy_percent,convert_lv",
      "vg_name,lv_name",
      EnumSet.of(ReportObject.LV, ReportObject.VG)),
  SEGS(
      "seg",
      "seg_",
      "lv_name,vg_name,lv_attr,stripes,segtype,seg_size",
      "vg_name,lv_name,seg_start",
      EnumSet.of(ReportObject.LV, ReportObject.VG, ReportObject.SEG)),
  PVSEGS(
      "pvseg",
      "pvseg_",
      "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,pvseg_start,pvseg_size",
      "pv_name,pvseg_start",
      EnumSet.of(ReportObject.PV, ReportObject.PVSEG));

  /** The label fields lvm2 puts first in {@code pvs -o all}: the rest of PV follows. */
  static final Set<String> LABEL_FIELDS =
      Set.of(
          "pv_fmt",
          "pv_uuid",
          "dev_size",
          "pv_name",
          "pv_major",
          "pv_minor",
          "pv_mda_free",
          "pv_mda_size",
          "pv_ext_vsn");

  private final String jsonName;
  private final String prefix;
  private final List<String> defaultFields;
  private final List<String> defaultSort;
  private final Set<ReportObject> allObjects;

  ReportKind(
      String jsonName,
      String prefix,
      String defaultFields,
      String defaultSort,
      Set<ReportObject> allObjects) {
    this.jsonName = jsonName;
    this.prefix = prefix;
    this.defaultFields = List.of(defaultFields.split(","));
    this.defaultSort = List.of(defaultSort.split(","));
    this.allObjects = allObjects;
  }

  /** The key of the row array in {@code --reportformat json}. */
  public String jsonName() {
    return jsonName;
  }

  /** The prefix lvm2 tries when a field name is given without one ({@code -o size}). */
  public String prefix() {
    return prefix;
  }

  public List<String> defaultFields() {
    return defaultFields;
  }

  public List<String> defaultSort() {
    return defaultSort;
  }

  /** What {@code -o all} expands to for this report. */
  Set<ReportObject> allObjects() {
    return allObjects;
  }
}
