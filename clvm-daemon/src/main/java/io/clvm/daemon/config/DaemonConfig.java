package io.clvm.daemon.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * clvmd's settings: typed getters with defaults over the flat key map of {@link ConfigParser}. The
 * keys are listed in {@link #KNOWN_KEYS} and documented in docs/cluster-protocol.md. Keys of other
 * sections (devices, global, ...) belong to the command engine and are kept in {@link #raw()}.
 */
public final class DaemonConfig {
  /** Every key this class reads. A key in one of these sections but not listed is a typo. */
  public static final Set<String> KNOWN_KEYS =
      Set.of(
          "cluster.name",
          "cluster.root",
          "node.id",
          "zookeeper.connect",
          "zookeeper.embedded.address",
          "zookeeper.embedded.port",
          "zookeeper.embedded.dataDir",
          "zookeeper.embedded.tickTimeMs",
          "zookeeper.sessionTimeoutMs",
          "zookeeper.connectionTimeoutMs",
          "zookeeper.auth",
          "socket.path",
          "socket.allowedUsers",
          "socket.maxRequestBytes",
          "socket.readTimeoutMs",
          "socket.maxClients",
          "socket.writeTimeoutMs",
          "fencing.graceMs",
          "propagation.timeoutMs",
          "commit.retries",
          "lock.timeoutMs",
          "lock.shareMaxCommands",
          "lock.shareMaxMs",
          "testing.failAt",
          "testing.failMode",
          // obs: docs/observability.md
          "metrics.listen",
          "log.level",
          "health.expectedNodes",
          "health.lagMs");

  /** Prefix of the per-logger levels, {@code log.level.io.clvm.cluster = DEBUG}. */
  public static final String LOG_LEVEL_PREFIX = "log.level.";

  private static final Set<String> OWN_SECTIONS =
      Set.of(
          "cluster",
          "node",
          "zookeeper",
          "socket",
          "fencing",
          "propagation",
          "commit",
          "lock",
          "metrics",
          "log",
          "health");

  /** The log levels {@code log.level} and {@code log.level.LOGGER} accept (logback's). */
  public static final Set<String> LOG_LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private final Map<String, String> values;

  private DaemonConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** A configuration from already parsed pairs (tests, defaults). */
  public static DaemonConfig of(Map<String, String> values) throws ConfigException {
    DaemonConfig config = new DaemonConfig(values);
    config.validate();
    return config;
  }

  /** Reads and validates the file at {@code path}. */
  public static DaemonConfig load(Path path) throws ConfigException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    return of(ConfigParser.parse(text, path.toString()));
  }

  /** All pairs, including the engine's sections. */
  public Map<String, String> raw() {
    return values;
  }

  /** Keys in clvmd's own sections that clvmd does not know: most likely typos. */
  public List<String> unknownKeys() {
    return values.keySet().stream()
        .filter(k -> OWN_SECTIONS.contains(k.substring(0, Math.max(0, k.indexOf('.')))))
        .filter(k -> !KNOWN_KEYS.contains(k) && !k.startsWith(LOG_LEVEL_PREFIX))
        .collect(Collectors.toList());
  }

  public String clusterName() {
    return get("cluster.name", "clvm");
  }

  /** The ZooKeeper path under which everything of this cluster lives. */
  public String clusterRoot() {
    return get("cluster.root", "/clvm/" + clusterName());
  }

  public String nodeId() {
    return Optional.ofNullable(values.get("node.id")).orElseGet(DaemonConfig::hostName);
  }

  /** The external ensemble, or empty when clvmd starts its embedded ZooKeeper server. */
  public Optional<String> zookeeperConnect() {
    return Optional.ofNullable(values.get("zookeeper.connect")).filter(s -> !s.isBlank());
  }

  public String embeddedAddress() {
    return get("zookeeper.embedded.address", "127.0.0.1");
  }

  /** 0 picks a free port (tests). */
  public int embeddedPort() {
    return intValue("zookeeper.embedded.port", 2181);
  }

  public Path embeddedDataDir() {
    return Path.of(get("zookeeper.embedded.dataDir", "/var/lib/clvm/zookeeper"));
  }

  public int embeddedTickTimeMs() {
    return intValue("zookeeper.embedded.tickTimeMs", 500);
  }

  public Duration sessionTimeout() {
    return Duration.ofMillis(intValue("zookeeper.sessionTimeoutMs", 10_000));
  }

  public Duration connectionTimeout() {
    return Duration.ofMillis(intValue("zookeeper.connectionTimeoutMs", 5_000));
  }

  /** Digest credentials {@code user:password}; empty means no ACLs (warned about at start). */
  public Optional<String> zookeeperAuth() {
    return Optional.ofNullable(values.get("zookeeper.auth")).filter(s -> !s.isBlank());
  }

  public Path socketPath() {
    return Path.of(get("socket.path", "/run/clvm/clvmd.sock"));
  }

  public Set<String> socketAllowedUsers() {
    // integ: a copy, not Set.of, which refuses duplicates ("root,$USER" when run as root)
    return Set.copyOf(java.util.Arrays.asList(get("socket.allowedUsers", "root").split("[,\\s]+")));
  }

  public int socketMaxRequestBytes() {
    return intValue("socket.maxRequestBytes", 1 << 20);
  }

  public Duration socketReadTimeout() {
    return Duration.ofMillis(intValue("socket.readTimeoutMs", 5_000));
  }

  public int socketMaxClients() {
    return intValue("socket.maxClients", 16);
  }

  /** How long a client has to read its answer before the daemon drops it. */
  public Duration socketWriteTimeout() {
    return Duration.ofMillis(intValue("socket.writeTimeoutMs", 10_000));
  }

  /**
   * How long a suspended connection is tolerated before active LVs are fenced. The ZooKeeper client
   * reports a silent partition only after 2/3 of the session timeout without a reply, and the
   * server may expire the session (letting another node take the LV over) at the full timeout: so
   * the grace must fit in the last third, with margin. Default: a quarter.
   */
  public Duration fencingGrace() {
    return Duration.ofMillis(intValue("fencing.graceMs", (int) (sessionTimeout().toMillis() / 4)));
  }

  public Duration propagationTimeout() {
    return Duration.ofMillis(intValue("propagation.timeoutMs", 5_000));
  }

  public int commitRetries() {
    return intValue("commit.retries", 3);
  }

  public Duration lockTimeout() {
    return Duration.ofMillis(intValue("lock.timeoutMs", 60_000));
  }

  /**
   * How many commands of this node may share one hold of a VG's cluster lock (they queue on a
   * node-local mutex instead of in ZooKeeper; see docs/cluster-protocol.md, "Lock sharing and group
   * commit"). The lock goes back to ZooKeeper's queue after this many, so that other nodes are not
   * starved; 1 turns sharing (and group commit) off.
   */
  public int lockShareMaxCommands() {
    return Math.max(1, intValue("lock.shareMaxCommands", 16));
  }

  /** The other bound of one shared hold: it is released once it has lasted this long. */
  public Duration lockShareMax() {
    return Duration.ofMillis(intValue("lock.shareMaxMs", 100));
  }

  /**
   * Where the Prometheus endpoint listens: empty (the default) means no endpoint. {@code
   * metrics.listen} is {@code HOST:PORT}, {@code [IPv6]:PORT}, or a bare {@code PORT} (then on
   * 127.0.0.1 only); port 0 picks a free one (tests).
   */
  public Optional<InetSocketAddress> metricsListen() {
    try {
      return metricsListenChecked();
    } catch (ConfigException e) {
      throw new IllegalStateException(e.getMessage(), e); // validated at construction
    }
  }

  private Optional<InetSocketAddress> metricsListenChecked() throws ConfigException {
    String raw = values.get("metrics.listen");
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String spec = raw.strip();
    String host = "127.0.0.1";
    String port = spec;
    int colon = spec.lastIndexOf(':');
    if (colon >= 0) {
      host = spec.substring(0, colon);
      port = spec.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty()) {
        host = "127.0.0.1";
      }
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "metrics.listen must be PORT or HOST:PORT (e.g. 127.0.0.1:9464): '" + raw + "'", e);
    }
    if (p < 0 || p > 65535) {
      throw new ConfigException("metrics.listen: port out of range: '" + raw + "'");
    }
    return Optional.of(new InetSocketAddress(host, p));
  }

  /** {@code log.level} (the root logger) and {@code log.level.LOGGER}: logger name to level. */
  public Map<String, String> logLevels() {
    Map<String, String> out = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.equals("log.level")) {
            out.put("", v.strip().toUpperCase(java.util.Locale.ROOT));
          } else if (k.startsWith(LOG_LEVEL_PREFIX) && k.length() > LOG_LEVEL_PREFIX.length()) {
            out.put(
                k.substring(LOG_LEVEL_PREFIX.length()),
                v.strip().toUpperCase(java.util.Locale.ROOT));
          }
        });
    return out;
  }

  /**
   * The nodes {@code clvm cluster health} expects to be registered (comma-separated); empty: every
   * node that has ever applied a VG's metadata.
   */
  public Set<String> healthExpectedNodes() {
    String raw = values.get("health.expectedNodes");
    if (raw == null || raw.isBlank()) {
      return Set.of();
    }
    return Set.copyOf(java.util.Arrays.asList(raw.strip().split("[,\\s]+")));
  }

  /**
   * How long a registered node may stay behind a VG's committed seqno before {@code clvm cluster
   * health} calls the cluster degraded. Default: {@code propagation.timeoutMs}.
   */
  public Duration healthLag() {
    return Duration.ofMillis(intValue("health.lagMs", (int) propagationTimeout().toMillis()));
  }

  /** Test-only: the commit step at which to fail, or empty. */
  public Optional<String> testingFailAt() {
    return Optional.ofNullable(values.get("testing.failAt")).filter(s -> !s.isBlank());
  }

  /** Test-only: {@code throw} (default) or {@code halt} (die like kill -9). */
  public String testingFailMode() {
    return get("testing.failMode", "throw");
  }

  private void validate() throws ConfigException {
    for (String key : KNOWN_KEYS) {
      if (key.endsWith("Ms") || key.endsWith("Bytes") || key.endsWith("port")) {
        intValueChecked(key, 0);
      }
    }
    // The control socket's limits: zero would make clvmd refuse every client (or not start).
    for (String key :
        List.of(
            "socket.maxRequestBytes",
            "socket.readTimeoutMs",
            "socket.writeTimeoutMs",
            "socket.maxClients",
            "lock.shareMaxCommands")) {
      if (values.containsKey(key) && intValueChecked(key, 1) < 1) {
        throw new ConfigException(key + " must be at least 1: " + values.get(key));
      }
    }
    if (!clusterRoot().startsWith("/") || clusterRoot().endsWith("/")) {
      throw new ConfigException(
          "cluster.root must be an absolute ZooKeeper path: " + clusterRoot());
    }
    if (!nodeId().matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new ConfigException("node.id must be letters, digits, '_', '.', '-': " + nodeId());
    }
    if (fencingGrace().multipliedBy(3).compareTo(sessionTimeout()) >= 0) {
      throw new ConfigException(
          "fencing.graceMs ("
              + fencingGrace().toMillis()
              + ") must be shorter than a third of zookeeper.sessionTimeoutMs ("
              + sessionTimeout().toMillis()
              + "): a silent partition is noticed only after two thirds of it");
    }
    if (zookeeperAuth().isPresent() && !zookeeperAuth().get().contains(":")) {
      throw new ConfigException("zookeeper.auth must be user:password");
    }
    if (testingFailAt().isPresent()
        && java.util.Arrays.stream(io.clvm.cluster.commit.CommitStep.values())
            .noneMatch(st -> st.name().equals(testingFailAt().get()))) {
      throw new ConfigException("testing.failAt: no commit step named " + testingFailAt().get());
    }
    metricsListenChecked();
    for (Map.Entry<String, String> e : logLevels().entrySet()) {
      if (!LOG_LEVELS.contains(e.getValue())) {
        throw new ConfigException(
            (e.getKey().isEmpty() ? "log.level" : LOG_LEVEL_PREFIX + e.getKey())
                + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF: "
                + e.getValue());
      }
    }
    if (!Set.of("throw", "halt").contains(testingFailMode())) {
      throw new ConfigException("testing.failMode must be throw or halt: " + testingFailMode());
    }
  }

  private String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  private int intValue(String key, int fallback) {
    try {
      return intValueChecked(key, fallback);
    } catch (ConfigException e) {
      throw new IllegalStateException(e.getMessage(), e); // validated at construction
    }
  }

  private int intValueChecked(String key, int fallback) throws ConfigException {
    String raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.strip());
      if (v < 0) {
        throw new ConfigException(key + " must not be negative: " + raw);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer: '" + raw + "'", e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "_");
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
