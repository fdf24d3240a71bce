package io.clvm.engine.report;

import io.clvm.engine.units.Units;
import java.util.List;

/**
 * The report options of pvs/vgs/lvs, as given on the command line.
 *
 * @param fields the {@code -o} arguments in order ({@code +x} appends, {@code -x} removes)
 * @param sort the {@code -O} arguments in order ({@code -x} sorts descending)
 * @param units display units
 * @param suffix false with {@code --nosuffix}
 * @param headings false with {@code --noheadings}
 * @param separator {@code --separator}, or null
 * @param aligned {@code --aligned}
 * @param namePrefixes {@code --nameprefixes}
 * @param select {@code -S/--select}, or null
 * @param format {@code --reportformat}
 */
public record ReportOptions(
    List<String> fields,
    List<String> sort,
    Units units,
    boolean suffix,
    boolean headings,
    String separator,
    boolean aligned,
    boolean namePrefixes,
    String select,
    ReportFormat format) {

  public ReportOptions {
    fields = List.copyOf(fields);
    sort = List.copyOf(sort);
  }

  /** lvm2's defaults: default columns and order, human units with '<', headings, aligned. */
  public static ReportOptions defaults() {
    return new ReportOptions(
        List.of(),
        List.of(),
        Units.DEFAULT,
        true,
        true,
        null,
        false,
        false,
        null,
        ReportFormat.BASIC);
  }

  public ReportOptions withFields(List<String> f) {
    return new ReportOptions(
        f, sort, units, suffix, headings, separator, aligned, namePrefixes, select, format);
  }

  public ReportOptions withSort(List<String> s) {
    return new ReportOptions(
        fields, s, units, suffix, headings, separator, aligned, namePrefixes, select, format);
  }

  public ReportOptions withUnits(Units u) {
    return new ReportOptions(
        fields, sort, u, suffix, headings, separator, aligned, namePrefixes, select, format);
  }

  public ReportOptions withSuffix(boolean b) {
    return new ReportOptions(
        fields, sort, units, b, headings, separator, aligned, namePrefixes, select, format);
  }

  public ReportOptions withHeadings(boolean b) {
    return new ReportOptions(
        fields, sort, units, suffix, b, separator, aligned, namePrefixes, select, format);
  }

  public ReportOptions withSeparator(String s) {
    return new ReportOptions(
        fields, sort, units, suffix, headings, s, aligned, namePrefixes, select, format);
  }

  public ReportOptions withAligned(boolean b) {
    return new ReportOptions(
        fields, sort, units, suffix, headings, separator, b, namePrefixes, select, format);
  }

  public ReportOptions withNamePrefixes(boolean b) {
    return new ReportOptions(
        fields, sort, units, suffix, headings, separator, aligned, b, select, format);
  }

  public ReportOptions withSelect(String s) {
    return new ReportOptions(
        fields, sort, units, suffix, headings, separator, aligned, namePrefixes, s, format);
  }

  public ReportOptions withFormat(ReportFormat f) {
    return new ReportOptions(
        fields, sort, units, suffix, headings, separator, aligned, namePrefixes, select, f);
  }
}
