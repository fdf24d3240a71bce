package io.clvm.format.text;

/** One entry of a section: a nested section or a setting. */
public sealed interface ConfigNode permits ConfigSection, ConfigSetting {
  /** The key of the setting or the name of the section. */
  String key();

  /** 1-based line where the node started in the parsed text, 0 for nodes built in code. */
  int line();
}
