package io.clvm.format.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A section {@code name { ... }}: an ordered list of settings and nested sections. The parse result
 * is a nameless root section holding the top-level entries.
 *
 * <p>Entries keep their insertion order, because lvm2's text is compared byte by byte and because
 * the first sub-section of the root is the VG. Duplicate keys are kept; lookups return the first,
 * as lvm2's do. Lookups by key use an index built on first use, since {@code logical_volumes} may
 * hold ten thousand entries.
 */
public final class ConfigSection implements ConfigNode {
  private final String key;
  private final int line;
  private final List<ConfigNode> children = new ArrayList<>();

  /**
   * Built on the first look-up. Volatile: a parsed tree is shared by threads (clvmd keeps parsed
   * texts for all its commands, reports and propagation), and a reader must see the map's entries
   * once it sees the map; two threads building it at once build equal maps, either one is kept.
   */
  private volatile Map<String, ConfigNode> index;

  public ConfigSection(String key) {
    this(key, 0);
  }

  public ConfigSection(String key, int line) {
    this.key = Objects.requireNonNull(key, "key");
    this.line = line;
  }

  /** A nameless root section, as the parser returns. */
  public static ConfigSection root() {
    return new ConfigSection("", 1);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public int line() {
    return line;
  }

  /** All entries in order; read-only view. */
  public List<ConfigNode> children() {
    return Collections.unmodifiableList(children);
  }

  /** Appends an entry and returns this section. */
  public ConfigSection add(ConfigNode node) {
    children.add(Objects.requireNonNull(node, "node"));
    Map<String, ConfigNode> m = index;
    if (m != null) {
      m.putIfAbsent(node.key(), node);
    }
    return this;
  }

  /** Appends a setting and returns this section. */
  public ConfigSection add(String key, ConfigValue value) {
    return add(new ConfigSetting(key, value));
  }

  public ConfigSection add(String key, long value) {
    return add(key, new ConfigValue.Int(value));
  }

  public ConfigSection add(String key, String value) {
    return add(key, new ConfigValue.Str(value));
  }

  /** Appends a new empty sub-section and returns it (not this). */
  public ConfigSection addSection(String name) {
    ConfigSection s = new ConfigSection(name);
    add(s);
    return s;
  }

  /** The first entry with this key. */
  public Optional<ConfigNode> find(String key) {
    Map<String, ConfigNode> m = index;
    if (m == null) {
      m = new HashMap<>(Math.max(16, children.size() * 2));
      for (ConfigNode n : children) {
        m.putIfAbsent(n.key(), n);
      }
      index = m;
    }
    return Optional.ofNullable(m.get(key));
  }

  /** The value of the first entry with this key, if that entry is a setting. */
  public Optional<ConfigValue> value(String key) {
    return find(key).filter(ConfigSetting.class::isInstance).map(n -> ((ConfigSetting) n).value());
  }

  /** The first entry with this key, if that entry is a section. */
  public Optional<ConfigSection> section(String key) {
    return find(key).filter(ConfigSection.class::isInstance).map(ConfigSection.class::cast);
  }

  /** The sub-sections in order. */
  public List<ConfigSection> sections() {
    List<ConfigSection> out = new ArrayList<>();
    for (ConfigNode n : children) {
      if (n instanceof ConfigSection s) {
        out.add(s);
      }
    }
    return out;
  }

  /** The settings in order. */
  public List<ConfigSetting> settings() {
    List<ConfigSetting> out = new ArrayList<>();
    for (ConfigNode n : children) {
      if (n instanceof ConfigSetting s) {
        out.add(s);
      }
    }
    return out;
  }

  /** The first sub-section, which in metadata text is the VG (lvm2 skips top-level settings). */
  public Optional<ConfigSection> firstSection() {
    for (ConfigNode n : children) {
      if (n instanceof ConfigSection s) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Equal when key and entries (recursively, in order) are equal; lines are ignored. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSection s && key.equals(s.key) && children.equals(s.children);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + children.hashCode();
  }

  @Override
  public String toString() {
    return ConfigPrinter.file().print(this);
  }
}
