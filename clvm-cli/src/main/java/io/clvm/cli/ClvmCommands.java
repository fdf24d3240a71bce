package io.clvm.cli;

import io.clvm.daemon.config.ConfigException;
import io.clvm.engine.EngineException;
import io.clvm.engine.config.ConfigEditor;
import io.clvm.engine.config.EngineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands clvm has beyond lvm2's: version, config, cluster switch, links. */
final class ClvmCommands {
  private ClvmCommands() {}

  /** The lvm2 command names that {@code install-links} creates. */
  static final String[] LINKS = {
    "pvcreate",
    "pvremove",
    "pvresize",
    "pvchange",
    "pvs",
    "pvdisplay",
    "pvscan",
    "pvck",
    "vgcreate",
    "vgextend",
    "vgreduce",
    "vgremove",
    "vgrename",
    "vgchange",
    "vgs",
    "vgdisplay",
    "vgscan",
    "vgck",
    "vgcfgbackup",
    "vgcfgrestore",
    "lvcreate",
    "lvextend",
    "lvreduce",
    "lvresize",
    "lvremove",
    "lvrename",
    "lvchange",
    "lvs",
    "lvdisplay",
    "lvscan"
  };

  /** The option every clvm command takes to pick the configuration file. */
  abstract static class WithConfig implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file.")
    String config;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Display help text.")
    boolean help;

    final Session session;

    WithConfig(Session session) {
      this.session = session;
    }

    Path configPath() {
      return EngineConfig.choosePath(config, session.env());
    }
  }

  @Command(name = "version", description = "Display version information.")
  static final class Version implements Callable<Integer> {
    private final Session session;

    Version(Session session) {
      this.session = session;
    }

    @Override
    public Integer call() {
      String v = Main.class.getPackage().getImplementationVersion();
      session.print("clvm version:    " + (v == null ? "development" : v));
      session.print("lvm2 compatibility: 2.03.16 (metadata format 1, report fields)");
      session.print("Java:            " + System.getProperty("java.version"));
      return 0;
    }
  }

  @Command(name = "config", description = "Display the effective configuration.")
  static final class Config extends WithConfig {
    Config(Session session) {
      super(session);
    }

    @Override
    public Integer call() {
      EngineConfig cfg;
      try {
        cfg = EngineConfig.load(configPath());
      } catch (ConfigException e) {
        session.error(e.getMessage());
        return EngineException.FAILED;
      }
      session.report(
          "# " + cfg.path() + (cfg.exists() ? "" : " (does not exist: defaults)") + "\n");
      for (Map.Entry<String, String> e : cfg.effective().entrySet()) {
        String mark = cfg.explicit(e.getKey()).isPresent() ? "" : "  # default";
        session.report(e.getKey() + " = \"" + e.getValue() + "\"" + mark + "\n");
      }
      return 0;
    }
  }

  @Command(
      name = "enable-cluster",
      description = "Switch this host to cluster mode (commands go through clvmd).")
  static final class EnableCluster extends WithConfig {
    @Option(
        names = "--zookeeper",
        paramLabel = "HOST:PORT[,HOST:PORT...]",
        description = "ZooKeeper ensemble; default: clvmd's embedded server.")
    String zookeeper;

    EnableCluster(Session session) {
      super(session);
    }

    @Override
    public Integer call() {
      Path path = configPath();
      try {
        String text = read(path);
        text = ConfigEditor.set(text, EngineConfig.LOCKING_MODE, "cluster");
        if (zookeeper != null) {
          text = ConfigEditor.set(text, EngineConfig.ZOOKEEPER_CONNECT, zookeeper);
        }
        write(path, text);
      } catch (IOException e) {
        session.error("Cannot update " + path + ": " + e.getMessage());
        return EngineException.FAILED;
      }
      session.print(
          "Cluster mode enabled in "
              + path
              + (zookeeper != null
                  ? " (ZooKeeper " + zookeeper + ")."
                  : " (ZooKeeper: clvmd's embedded server)."));
      session.print("Commands now go through clvmd; they fail if clvmd is not running.");
      return 0;
    }
  }

  @Command(name = "disable-cluster", description = "Switch this host back to local mode.")
  static final class DisableCluster extends WithConfig {
    DisableCluster(Session session) {
      super(session);
    }

    @Override
    public Integer call() {
      Path path = configPath();
      try {
        write(path, ConfigEditor.set(read(path), EngineConfig.LOCKING_MODE, "local"));
      } catch (IOException e) {
        session.error("Cannot update " + path + ": " + e.getMessage());
        return EngineException.FAILED;
      }
      session.print("Cluster mode disabled in " + path + ": commands use local locking.");
      return 0;
    }
  }

  @Command(
      name = "install-links",
      description = "Create lvm2-style command links (lvs, lvcreate, ...) to bin/clvm in DIR.")
  static final class InstallLinks implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Display help text.")
    boolean help;

    private final Session session;

    InstallLinks(Session session) {
      this.session = session;
    }

    @Override
    public Integer call() {
      String home = System.getProperty("clvm.home");
      if (home == null) {
        session.error("install-links: run it through bin/clvm (clvm.home is not set).");
        return EngineException.FAILED;
      }
      Path target = Path.of(home, "bin", "clvm").toAbsolutePath();
      try {
        Files.createDirectories(dir);
        for (String name : LINKS) {
          Path link = dir.resolve(name);
          if (Files.isSymbolicLink(link) || !Files.exists(link)) {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
          } else {
            session.warn("Not replacing " + link + ": it is not a link.");
          }
        }
      } catch (IOException e) {
        session.error("install-links: " + e.getMessage());
        return EngineException.FAILED;
      }
      session.print(LINKS.length + " links to " + target + " in " + dir + ".");
      return 0;
    }
  }

  static String read(Path path) throws IOException {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  /** Writes through a temporary file and a rename, so a crash never leaves half a config. */
  static void write(Path path, String text) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".clvm.conf", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
