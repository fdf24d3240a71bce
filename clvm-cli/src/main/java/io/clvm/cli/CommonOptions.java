package io.clvm.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every lvm2 command takes. */
public final class CommonOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Set verbose level.")
  boolean[] verbose = new boolean[0];

  @Option(
      names = {"-q", "--quiet"},
      description = "Suppress output and log messages.")
  boolean[] quiet = new boolean[0];

  @Option(
      names = {"-d", "--debug"},
      description = "Set debug level.")
  boolean[] debug = new boolean[0];

  @Option(
      names = {"-y", "--yes"},
      description =
          "Do not prompt for confirmation interactively but always assume the answer yes.")
  boolean yes;

  @Option(
      names = {"-f", "--force"},
      description = "Override various checks, confirmations and protections.")
  boolean[] force = new boolean[0];

  @Option(
      names = {"-t", "--test"},
      description = "Run in test mode: commands do not update metadata.")
  boolean test;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "clvm configuration file (default /etc/clvm/clvm.conf, or $CLVM_CONF).")
  String config;

  @Option(
      names = "--devices",
      paramLabel = "PV",
      split = ",",
      description = "Restrict the command to these devices (regular files are accepted).")
  List<String> devices = new ArrayList<>();

  @Option(
      names = "--driverloaded",
      paramLabel = "y|n",
      description = "Accepted for lvm2 compatibility.")
  String driverLoaded;

  @Option(
      names = {"-A", "--autobackup"},
      paramLabel = "y|n",
      description = "Automatically back up metadata after a change.")
  String autobackup;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Display help text.")
  boolean help;

  /** -ff and more. */
  int forceCount() {
    return force.length;
  }
}
