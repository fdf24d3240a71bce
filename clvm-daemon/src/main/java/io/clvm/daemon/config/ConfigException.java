package io.clvm.daemon.config;

/** A configuration file that cannot be read or holds an invalid value; the message names both. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
