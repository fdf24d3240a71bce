package io.clvm.daemon;

import io.clvm.daemon.config.ConfigException;
import io.clvm.daemon.config.ConfigParser;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.daemon.logging.LogLevels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads clvm.conf while clvmd runs: when the file changes (a {@link WatchService} on its
 * directory, so that an editor's write-and-rename counts too) and on {@code clvm cluster
 * reload-config} (what {@code systemctl reload clvmd} runs). What takes effect at once: the log
 * levels ({@code log.level}, {@code log.level.LOGGER}). Every other changed key is named in the log
 * and the answer as taking effect at the next restart. A file that does not parse changes nothing.
 */
public final class ConfigReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final Path file;
  private final LogLevels levels;
  private Map<String, String> started;
  private Map<String, String> current;
  private WatchService watcher;
  private Thread thread;

  /** {@code config}: what the daemon started with; {@code levels}: where log levels go. */
  public ConfigReloader(Path file, DaemonConfig config, LogLevels levels) {
    this.file = file.toAbsolutePath();
    this.levels = levels;
    this.started = config.raw();
    this.current = config.raw();
  }

  public Path file() {
    return file;
  }

  /**
   * Reads the file again and applies it. Returns what was done, one line per change, for the admin;
   * throws (changing nothing) if the file cannot be read or is not valid.
   */
  public synchronized String reload() throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> parsed = ConfigParser.parse(text, file.toString());
    if (started.containsKey("node.id") && !parsed.containsKey("node.id")) {
      parsed = new java.util.LinkedHashMap<>(parsed);
      parsed.put("node.id", started.get("node.id")); // given with --node-id
    }
    DaemonConfig next = DaemonConfig.of(parsed);
    List<String> lines = new ArrayList<>();
    for (String change : levels.apply(next.logLevels())) {
      lines.add("log level " + change);
    }
    TreeSet<String> restartKeys = new TreeSet<>();
    TreeSet<String> keys = new TreeSet<>(next.raw().keySet());
    keys.addAll(started.keySet());
    for (String k : keys) {
      if (k.equals("log.level") || k.startsWith(DaemonConfig.LOG_LEVEL_PREFIX)) {
        continue;
      }
      if (!Objects.equals(started.get(k), next.raw().get(k))) {
        restartKeys.add(k);
      }
    }
    for (String k : restartKeys) {
      if (!Objects.equals(current.get(k), next.raw().get(k))) {
        LOG.warn("configuration key {} changed: takes effect when clvmd restarts", k);
      }
      lines.add(k + " changed: takes effect when clvmd restarts");
    }
    current = next.raw();
    if (lines.isEmpty()) {
      lines.add("no change");
    }
    LOG.info("configuration {} reloaded: {}", file, String.join("; ", lines));
    return String.join("\n", lines) + "\n";
  }

  /** Starts watching the file's directory; a change of the file reloads it. */
  public synchronized void watch() throws IOException {
    Path dir = file.getParent();
    watcher = FileSystems.getDefault().newWatchService();
    dir.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    WatchService w = watcher;
    thread = new Thread(() -> loop(w), "clvm-config-watch");
    thread.setDaemon(true);
    thread.start();
    LOG.debug("watching {} for changes", file);
  }

  /** How long the file must stay unchanged before it is read: an editor may write it in parts. */
  private static final long SETTLE_MS = 300;

  private void loop(WatchService w) {
    try {
      while (true) {
        if (!ours(w.take())) {
          continue;
        }
        WatchKey more;
        while ((more = w.poll(SETTLE_MS, TimeUnit.MILLISECONDS)) != null) {
          ours(more); // still changing: wait until it settles
        }
        if (Files.isRegularFile(file)) {
          try {
            reload();
          } catch (ConfigException | RuntimeException e) {
            LOG.warn("configuration {} changed but was not applied: {}", file, e.getMessage());
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  /** Whether {@code key}'s events concern the file; resets the key. */
  private boolean ours(WatchKey key) {
    Path name = file.getFileName();
    boolean ours = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())) {
        ours = true;
      }
    }
    key.reset();
    return ours;
  }

  @Override
  public synchronized void close() throws IOException {
    if (watcher != null) {
      watcher.close();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
