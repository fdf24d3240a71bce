package io.clvm.format.model;

import java.util.List;
import java.util.Optional;

/**
 * lvm2's rules for VG names, LV names, tags and system IDs ({@code lib/misc/lvm-string.c}), with
 * lvm2's wording in the messages.
 *
 * <p>Each {@code check...} method returns an empty optional when the name is valid, otherwise the
 * reason; each {@code require...} method throws {@link IllegalArgumentException} with that reason.
 */
public final class Names {
  /** lvm2's {@code NAME_LEN}: 128 bytes including the terminating NUL. */
  public static final int NAME_LEN = 128;

  /** LV names may not start with these: lvm2 uses them for its own temporary LVs. */
  public static final List<String> RESERVED_LV_PREFIXES = List.of("snapshot", "pvmove");

  /** LV names may not contain these: they mark lvm2's hidden sub-LVs (pool data, RAID images…). */
  public static final List<String> RESERVED_LV_INFIXES =
      List.of(
          "_cdata",
          "_cmeta",
          "_corig",
          "_cpool",
          "_cvol",
          "_wcorig",
          "_mimage",
          "_mlog",
          "_rimage",
          "_rmeta",
          "_tdata",
          "_tmeta",
          "_vdata",
          "_imeta",
          "_iorig",
          "_pmspare",
          "_vorigin");

  private Names() {}

  private static boolean nameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-'
        || c == '+';
  }

  /** The generic name rule shared by VGs and LVs (lvm2's {@code validate_name}). */
  public static Optional<String> checkName(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("Name is empty.");
    }
    if (name.charAt(0) == '-') {
      return Optional.of("Name \"" + name + "\" must not start with a hyphen.");
    }
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("Name \"" + name + "\" is reserved.");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!nameChar(name.charAt(i))) {
        return Optional.of(
            "Name \""
                + name
                + "\" contains invalid character, valid set includes: [a-zA-Z0-9.-_+].");
      }
    }
    if (name.length() >= NAME_LEN) {
      return Optional.of("Name \"" + name + "\" is too long (maximum " + (NAME_LEN - 1) + ").");
    }
    return Optional.empty();
  }

  /** A VG name as {@code vgcreate} accepts it. */
  public static Optional<String> checkVgName(String name) {
    return checkName(name).map(r -> "Invalid volume group name " + quote(name) + ": " + r);
  }

  /**
   * An LV name as {@code lvcreate}/{@code lvrename} accept it: generic rule plus reserved names.
   */
  public static Optional<String> checkLvName(String name) {
    Optional<String> generic = checkName(name);
    if (generic.isPresent()) {
      return generic.map(r -> "Invalid logical volume name " + quote(name) + ": " + r);
    }
    for (String p : RESERVED_LV_PREFIXES) {
      if (name.startsWith(p)) {
        return Optional.of(
            "Names starting \"" + p + "\" are reserved. Please choose a different LV name.");
      }
    }
    for (String s : RESERVED_LV_INFIXES) {
      if (name.contains(s)) {
        return Optional.of(
            "Names including \"" + s + "\" are reserved. Please choose a different LV name.");
      }
    }
    return Optional.empty();
  }

  /**
   * The combined length rule: the device-mapper name {@code vg-lv} (plus lvm2's room for a layer
   * suffix) must fit into {@code NAME_LEN}.
   */
  public static Optional<String> checkLvNameInVg(String vgName, String lvName) {
    Optional<String> own = checkLvName(lvName);
    if (own.isPresent()) {
      return own;
    }
    if (vgName.length() + lvName.length() + 3 >= NAME_LEN) {
      return Optional.of(
          "Logical volume name \""
              + lvName
              + "\" is too long for volume group \""
              + vgName
              + "\" (vg name + lv name must be shorter than "
              + (NAME_LEN - 3)
              + " characters).");
    }
    return Optional.empty();
  }

  /** A tag: characters {@code A-Z a-z 0-9 _ + . - / = ! : & #}, not empty. */
  public static Optional<String> checkTag(String tag) {
    if (tag == null || tag.isEmpty()) {
      return Optional.of("Tag must not be empty.");
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (!nameChar(c) && "/=!:&#".indexOf(c) < 0) {
        return Optional.of("Invalid tag \"" + tag + "\": character '" + c + "' not allowed.");
      }
    }
    return Optional.empty();
  }

  /**
   * A system ID as lvm2 derives it from configuration: characters outside the name set are dropped
   * and the result is cut to {@code NAME_LEN - 1} characters.
   */
  public static String sanitizeSystemId(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length() && b.length() < NAME_LEN - 1; i++) {
      char c = raw.charAt(i);
      if (nameChar(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  public static void requireVgName(String name) {
    checkVgName(name).ifPresent(Names::fail);
  }

  public static void requireLvName(String name) {
    checkLvName(name).ifPresent(Names::fail);
  }

  public static void requireTag(String tag) {
    checkTag(tag).ifPresent(Names::fail);
  }

  private static void fail(String reason) {
    throw new IllegalArgumentException(reason);
  }

  private static String quote(String s) {
    return s == null ? "(null)" : "\"" + s + "\"";
  }
}
