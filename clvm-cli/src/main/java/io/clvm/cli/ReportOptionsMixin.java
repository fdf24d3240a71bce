package io.clvm.cli;

import io.clvm.engine.report.ReportFormat;
import io.clvm.engine.report.ReportOptions;
import io.clvm.engine.units.Units;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The report options of pvs, vgs and lvs, with lvm2's names. */
public final class ReportOptionsMixin {
  @Option(
      names = {"-o", "--options"},
      paramLabel = "String",
      description = "Comma-separated, ordered list of fields to display; +field appends.")
  List<String> options = new ArrayList<>();

  @Option(
      names = {"-O", "--sort"},
      paramLabel = "String",
      description = "Comma-separated, ordered list of fields to sort by; -field descends.")
  List<String> sort = new ArrayList<>();

  @Option(
      names = "--units",
      paramLabel = "r|R|h|H|b|B|s|S|k|K|m|M|g|G|t|T|p|P|e|E",
      description = "Units for displayed sizes.")
  String units;

  @Option(names = "--nosuffix", description = "Suppress the unit suffix of sizes.")
  boolean nosuffix;

  @Option(names = "--noheadings", description = "Suppress the headings line.")
  boolean noheadings;

  @Option(names = "--separator", paramLabel = "String", description = "Column separator.")
  String separator;

  @Option(names = "--aligned", description = "Align columns when a separator is used.")
  boolean aligned;

  @Option(names = "--nameprefixes", description = "Print LVM2_FIELD='value' pairs.")
  boolean nameprefixes;

  @Option(names = "--unquoted", description = "With --nameprefixes, do not quote values.")
  boolean unquoted;

  @Option(names = "--rows", description = "Accepted; clvm prints one row per object.")
  boolean rows;

  @Option(names = "--unbuffered", description = "Accepted; clvm prints at the end.")
  boolean unbuffered;

  @Option(
      names = {"-S", "--select"},
      paramLabel = "String",
      description = "Only report the objects matching this selection.")
  String select;

  @Option(
      names = "--reportformat",
      paramLabel = "basic|json",
      converter = FormatConverter.class,
      description = "Output format.")
  ReportFormat reportFormat;

  @Option(
      names = {"-a", "--all"},
      description = "lvs: also report hidden LVs (in brackets).")
  boolean all;

  @Option(names = "--foreign", description = "Report foreign VGs (system ID of another host).")
  boolean foreign;

  @Option(names = "--shared", description = "Report shared VGs.")
  boolean shared;

  @Option(names = "--readonly", description = "Accepted: reports never write.")
  boolean readonly;

  @Option(names = "--nolocking", description = "Accepted: reports take no locks.")
  boolean nolocking;

  /** {@code --reportformat basic|json}. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<ReportFormat> {
    @Override
    public ReportFormat convert(String value) {
      try {
        return ReportFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("");
      }
    }
  }

  /** The engine's options; {@link IllegalArgumentException} carries lvm2's message. */
  ReportOptions toOptions() {
    ReportOptions o =
        ReportOptions.defaults()
            .withFields(options)
            .withSort(sort)
            .withSuffix(!nosuffix)
            .withHeadings(!noheadings)
            .withSeparator(separator)
            .withAligned(aligned)
            .withNamePrefixes(nameprefixes)
            .withSelect(select);
    if (units != null) {
      o = o.withUnits(Units.parse(units));
    }
    if (reportFormat != null) {
      o = o.withFormat(reportFormat);
    }
    return o;
  }
}
