package io.clvm.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.level} (the root logger) and {@code log.level.LOGGER} from clvm.conf to
 * Logback's {@link LoggerContext}, at start and again on every reload (docs/observability.md, "Log
 * levels"). A logger whose key disappears from the file gets back the level it had before clvm.conf
 * first set it (logback.xml's), so that removing a line undoes it.
 */
public final class LogLevels {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LogLevels.class);

  /** Logger name ("" = root) to its level before clvm.conf touched it (null: inherited). */
  private final Map<String, Level> original = new HashMap<>();

  /** Logger name to the level the configuration last set. */
  private final Map<String, String> applied = new HashMap<>();

  /**
   * Sets the levels of {@code levels} (logger name, "" for root, to a validated level name) and
   * restores the loggers the previous call set but this one does not. Returns one line per change
   * ("io.clvm.cluster: INFO -> DEBUG"); empty when nothing changed or Logback is not the binding.
   */
  public synchronized List<String> apply(Map<String, String> levels) {
    List<String> changes = new ArrayList<>();
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      if (!levels.isEmpty()) {
        LOG.warn("log.level is set but the logging backend is not Logback: ignored");
      }
      return changes;
    }
    for (Map.Entry<String, String> e : levels.entrySet()) {
      Logger logger = logger(context, e.getKey());
      if (!original.containsKey(e.getKey())) {
        original.put(e.getKey(), logger.getLevel());
      }
      Level before = logger.getEffectiveLevel();
      Level level = Level.toLevel(e.getValue(), before);
      if (!Objects.equals(logger.getLevel(), level)) {
        logger.setLevel(level);
        changes.add(label(e.getKey()) + ": " + before + " -> " + level);
      }
      applied.put(e.getKey(), e.getValue());
    }
    for (String name : List.copyOf(applied.keySet())) {
      if (levels.containsKey(name)) {
        continue;
      }
      Logger logger = logger(context, name);
      Level before = logger.getEffectiveLevel();
      Level restored = original.remove(name);
      if (name.isEmpty() && restored == null) {
        restored = Level.INFO; // the root always has a level
      }
      logger.setLevel(restored);
      applied.remove(name);
      changes.add(
          label(name)
              + ": "
              + before
              + " -> "
              + logger.getEffectiveLevel()
              + " (no longer configured)");
    }
    for (String c : changes) {
      LOG.info("log level {}", c);
    }
    return changes;
  }

  private static Logger logger(LoggerContext context, String name) {
    return context.getLogger(name.isEmpty() ? org.slf4j.Logger.ROOT_LOGGER_NAME : name);
  }

  private static String label(String name) {
    return name.isEmpty() ? "root" : name;
  }
}
