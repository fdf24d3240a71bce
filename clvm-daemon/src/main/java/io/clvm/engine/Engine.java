package io.clvm.engine;

import io.clvm.engine.config.EngineConfig;
import io.clvm.engine.report.ReportKind;
import io.clvm.engine.report.ReportRow;
import java.util.List;

/**
 * The command engine shared by local mode and clvmd: device scan, VG reading, local locks and the
 * lvm2 operations. One instance serves one command.
 */
public class Engine {
  private final EngineConfig config;
  private final Console console;
  private final List<String> devices;

  /**
   * @param config the configuration
   * @param console where messages go
   * @param devices the {@code --devices} restriction; empty means the configured or scanned ones
   */
  public Engine(EngineConfig config, Console console, List<String> devices) {
    this.config = config;
    this.console = console;
    this.devices = List.copyOf(devices);
  }

  public EngineConfig config() {
    return config;
  }

  public Console console() {
    return console;
  }

  public List<String> devices() {
    return devices;
  }

  /** A report's rows and whether some named object was not found (lvm2 then exits 5). */
  public record Rows(List<ReportRow> rows, boolean failed) {}

  /**
   * The rows of a report of {@code kind} for the named objects (VG names, VG/LV names or PV paths;
   * all when empty). Reports take no lock: they read whatever is committed, as lvm2's reports never
   * wait for a writer.
   */
  public Rows reportRows(ReportKind kind, List<String> names) throws EngineException {
    try (Scan scan = scan(false)) {
      return ReportRows.build(scan, kind, names, console);
    }
  }

  /** Scans the candidate devices. */
  Scan scan(boolean writable) throws EngineException {
    return Scan.of(Devices.candidates(devices), writable, !devices.isEmpty(), console);
  }

  /** Fails an operation clvm does not have yet, plainly. */
  public int notImplemented(String command) throws EngineException {
    throw new EngineException(command + ": not implemented yet in clvm.");
  }
}
