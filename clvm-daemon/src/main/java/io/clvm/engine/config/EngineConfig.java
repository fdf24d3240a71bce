package io.clvm.engine.config;

import io.clvm.daemon.config.ConfigException;
import io.clvm.daemon.config.ConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command engine's view of clvm.conf (the same file clvmd reads, same syntax): locking mode,
 * devices, backup and archive directories, the lock directory. A missing file means defaults (local
 * mode), as lvm2 runs without an lvm.conf.
 */
public final class EngineConfig {
  /** Where the configuration lives unless {@code --config} or {@code CLVM_CONF} say otherwise. */
  public static final Path DEFAULT_PATH = Path.of("/etc/clvm/clvm.conf");

  /** The locking mode key, flipped by {@code clvm enable-cluster}/{@code disable-cluster}. */
  public static final String LOCKING_MODE = "global.locking_mode";

  /** The ZooKeeper connect string (clvmd's key); absent means clvmd's embedded server. */
  public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";

  private static final Map<String, String> DEFAULTS = defaults();

  private final Path path;
  private final boolean exists;
  private final Map<String, String> values;

  private EngineConfig(Path path, boolean exists, Map<String, String> values) {
    this.path = path;
    this.exists = exists;
    this.values = Collections.unmodifiableMap(values);
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(LOCKING_MODE, "local");
    d.put("global.lock_dir", "/run/lock/clvm");
    d.put("global.activation", "1");
    d.put("global.system_id_source", "none");
    d.put("devices.devices", "");
    d.put("backup.backup", "1");
    d.put("backup.backup_dir", "/etc/clvm/backup");
    d.put("backup.archive", "1");
    d.put("backup.archive_dir", "/etc/clvm/archive");
    d.put("backup.retain_min", "10");
    d.put("backup.retain_days", "30");
    d.put("socket.path", "/run/clvm/clvmd.sock");
    return Collections.unmodifiableMap(d);
  }

  /** The file chosen by {@code --config}, else {@code CLVM_CONF}, else the default path. */
  public static Path choosePath(String option, Map<String, String> env) {
    if (option != null && !option.isEmpty()) {
      return Path.of(option);
    }
    String fromEnv = env.get("CLVM_CONF");
    return fromEnv != null && !fromEnv.isEmpty() ? Path.of(fromEnv) : DEFAULT_PATH;
  }

  /**
   * Reads {@code path}; a missing file gives the defaults.
   *
   * @throws ConfigException when the file exists but cannot be read or parsed
   */
  public static EngineConfig load(Path path) throws ConfigException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new EngineConfig(path, false, new LinkedHashMap<>());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    return new EngineConfig(path, true, ConfigParser.parse(text, path.toString()));
  }

  /** A configuration from pairs (tests). */
  public static EngineConfig of(Path path, Map<String, String> values) {
    return new EngineConfig(path, true, new LinkedHashMap<>(values));
  }

  public Path path() {
    return path;
  }

  /** False when the file does not exist and everything is a default. */
  public boolean exists() {
    return exists;
  }

  /** The value set in the file, or the default. */
  public String get(String key) {
    String v = values.get(key);
    return v != null ? v : DEFAULTS.getOrDefault(key, "");
  }

  /** The value set in the file, if any. */
  public Optional<String> explicit(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** True in cluster mode: commands go to clvmd, never silently to local locking. */
  public boolean clusterMode() {
    return "cluster".equals(get(LOCKING_MODE));
  }

  /**
   * lvm2's {@code global/activation}: 0 means device-mapper is never asked, and reports print
   * lvm2's values for that case ("unknown", {@code XX} in {@code lv_attr}).
   */
  public boolean activation() {
    return !"0".equals(get("global.activation").strip());
  }

  /**
   * This host's system ID as lvm2 finds it ({@code global.system_id_source}): {@code none} (the
   * default: unknown, null), {@code lvmlocal} ({@code local.system_id}), {@code uname} (the host
   * name), {@code machineid} ({@code /etc/machine-id}) or {@code file} (the first line of {@code
   * global.system_id_file}). VGs with another system ID are foreign: reported only with {@code
   * --foreign}, never changed.
   */
  public String systemId() {
    String source = get("global.system_id_source").strip();
    String id;
    try {
      switch (source) {
        case "lvmlocal":
          id = get("local.system_id");
          break;
        case "uname":
          id = java.net.InetAddress.getLocalHost().getHostName();
          break;
        case "machineid":
        case "machine-id":
          id = Files.readString(Path.of("/etc/machine-id"));
          break;
        case "file":
          id =
              Files.readAllLines(Path.of(get("global.system_id_file"))).stream()
                  .map(String::strip)
                  .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                  .findFirst()
                  .orElse("");
          break;
        default:
          id = "";
      }
    } catch (IOException e) {
      id = "";
    }
    // lvm2 keeps only the characters valid in a system ID (system_id_from_string).
    id = id.strip().replaceAll("[^A-Za-z0-9.+_=:-]", "");
    return id.isEmpty() ? null : id;
  }

  public Path lockDir() {
    return Path.of(get("global.lock_dir"));
  }

  public Path backupDir() {
    return Path.of(get("backup.backup_dir"));
  }

  public Path archiveDir() {
    return Path.of(get("backup.archive_dir"));
  }

  public boolean backupEnabled() {
    return !"0".equals(get("backup.backup"));
  }

  public boolean archiveEnabled() {
    return !"0".equals(get("backup.archive"));
  }

  public Path socketPath() {
    return Path.of(get("socket.path"));
  }

  /** The devices configured in {@code devices.devices} (comma-separated), if any. */
  public List<String> devices() {
    String d = get("devices.devices").strip();
    return d.isEmpty() ? List.of() : List.of(d.split("\\s*,\\s*"));
  }

  /** Effective settings, defaults first then the file's, for {@code clvm config}. */
  public Map<String, String> effective() {
    Map<String, String> all = new LinkedHashMap<>(DEFAULTS);
    all.putAll(values);
    return all;
  }
}
