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

  /**
   * The rows of a report of {@code kind} for the named objects (VG names, VG/LV names or PV paths;
   * all when empty).
   */
  public List<ReportRow> reportRows(ReportKind kind, List<String> names) throws EngineException {
    return List.of();
  }

  /** Fails an operation clvm does not have yet, plainly. */
  public int notImplemented(String command) throws EngineException {
    throw new EngineException(command + ": not implemented yet in clvm.");
  }
}
