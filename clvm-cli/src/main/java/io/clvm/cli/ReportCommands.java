package io.clvm.cli;

import io.clvm.engine.Engine;
import io.clvm.engine.EngineException;
import io.clvm.engine.report.Report;
import io.clvm.engine.report.ReportException;
import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** pvs, vgs and lvs: lvm2's reports. */
final class ReportCommands {
  private ReportCommands() {}

  /** What the three share: options, names, rendering. */
  abstract static class Base extends LvmCommand {
    @Mixin ReportOptionsMixin report = new ReportOptionsMixin();

    @Parameters(paramLabel = "NAME", description = "VGs, LVs (VG/LV) or PVs to report.")
    List<String> names = new ArrayList<>();

    Base(Session s) {
      super(s);
    }

    abstract ReportKind kind();

    @Override
    int run(Engine engine) throws EngineException {
      ReportOptions options;
      try {
        options = report.toOptions();
      } catch (IllegalArgumentException e) {
        session.error(e.getMessage());
        session.error("Run `" + name() + " --help' for more information.");
        return EngineException.INVALID;
      }
      Report r;
      try {
        r = Report.prepare(kind(), options);
      } catch (ReportException e) {
        session.error(e.getMessage());
        return e.exitStatus();
      }
      Engine.Rows rows = engine.withForeign(report.foreign).reportRows(r.kind(), names, report.all);
      session.report(r.render(rows.rows()));
      return rows.failed() ? EngineException.FAILED : 0;
    }
  }

  @Command(name = "pvs", description = "Display information about physical volumes.")
  static final class Pvs extends Base {
    @Option(names = "--segments", description = "Report PV segments.")
    boolean segments;

    Pvs(Session s) {
      super(s);
    }

    @Override
    ReportKind kind() {
      return segments ? ReportKind.PVSEGS : ReportKind.PVS;
    }
  }

  @Command(name = "vgs", description = "Display information about volume groups.")
  static final class Vgs extends Base {
    Vgs(Session s) {
      super(s);
    }

    @Override
    ReportKind kind() {
      return ReportKind.VGS;
    }
  }

  @Command(name = "lvs", description = "Display information about logical volumes.")
  static final class Lvs extends Base {
    @Option(names = "--segments", description = "Report LV segments.")
    boolean segments;

    Lvs(Session s) {
      super(s);
    }

    @Override
    ReportKind kind() {
      return segments ? ReportKind.SEGS : ReportKind.LVS;
    }
  }
}
