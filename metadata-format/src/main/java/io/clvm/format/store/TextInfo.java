package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.MetadataException.Kind;
import io.clvm.format.text.ConfigParser;
import io.clvm.format.text.ConfigSection;
import io.clvm.format.text.ConfigValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The few facts the store needs from a metadata text: VG name, id, seqno and PV ids. Everything
 * else is the model's business; the parsed tree is kept ({@code tree}) so that the model is
 * imported from it without parsing the text a second time.
 */
record TextInfo(String vgName, String vgId, long seqno, List<String> pvIds, ConfigSection tree) {

  /** The same facts without the tree (kept where the tree would take too much heap). */
  TextInfo withoutTree() {
    return tree == null ? this : new TextInfo(vgName, vgId, seqno, pvIds, null);
  }

  /**
   * Parses and checks a text as lvm2 does before accepting it from a metadata area.
   *
   * @param device, offset where the text is, for messages
   */
  static TextInfo of(byte[] text, int len, String device, long offset) throws MetadataException {
    String lead = leadingName(text, len);
    if (!isValidVgName(lead)) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          device,
          offset,
          "metadata text",
          "text begins with invalid VG name '" + lead + "'");
    }
    ConfigSection root = ConfigParser.parse(text, 0, len, device, offset);
    ConfigSection vg =
        root.firstSection()
            .orElseThrow(
                () ->
                    new MetadataException(
                        Kind.MISSING, device, offset, "metadata text", "no VG section"));
    if (!vg.key().equals(lead)) {
      throw new MetadataException(
          Kind.BAD_VALUE,
          device,
          offset,
          "metadata text",
          "text begins with '" + lead + "' but the VG section is '" + vg.key() + "'");
    }
    if (root.value("contents").isEmpty()) {
      throw missing(device, offset, "contents", "top level");
    }
    if (root.value("version").isEmpty()) {
      throw missing(device, offset, "version", "top level");
    }
    long seqno =
        vg.value("seqno")
            .filter(ConfigValue.Int.class::isInstance)
            .map(v -> ((ConfigValue.Int) v).value())
            .orElseThrow(() -> missing(device, offset, "seqno", "VG " + vg.key()));
    String id = string(vg, "id");
    List<String> pvIds = new ArrayList<>();
    vg.section("physical_volumes")
        .ifPresent(
            pvs -> {
              for (ConfigSection pv : pvs.sections()) {
                String pvId = string(pv, "id").replace("-", "");
                if (!pvId.isEmpty()) {
                  pvIds.add(pvId);
                }
              }
            });
    return new TextInfo(vg.key(), id, seqno, List.copyOf(pvIds), root);
  }

  private static String string(ConfigSection s, String key) {
    return s.value(key)
        .filter(ConfigValue.Str.class::isInstance)
        .map(v -> ((ConfigValue.Str) v).value())
        .orElse("");
  }

  private static MetadataException missing(String device, long offset, String key, String where) {
    return new MetadataException(
        Kind.MISSING, device, offset, "metadata text", "missing '" + key + "' in " + where);
  }

  /** The characters before the first whitespace or '{': lvm2's quick check of the VG name. */
  static String leadingName(byte[] text, int len) {
    int i = 0;
    while (i < len && i < 200) {
      byte c = text[i];
      if (c == '{' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0) {
        break;
      }
      i++;
    }
    return new String(text, 0, i, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** lvm2's VG name rule: a-z A-Z 0-9 + _ . -, not starting with '-', not "." or "..". */
  static boolean isValidVgName(String n) {
    if (n.isEmpty() || n.length() > 127 || n.charAt(0) == '-' || n.equals(".") || n.equals("..")) {
      return false;
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
