package io.clvm.format.text;

import io.clvm.format.MetadataException;
import io.clvm.format.text.ConfigLexer.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Parses lvm2 config/metadata text into a {@link ConfigSection} tree.
 *
 * <pre>
 * file  := item*
 * item  := key '{' item* '}' | key '=' value
 * key   := IDENTIFIER | STRING
 * value := scalar | '[' (scalar ','?)* ']'
 * </pre>
 *
 * <p>Nesting is handled with an explicit stack, not recursion, so that hostile input cannot
 * overflow the Java stack.
 */
public final class ConfigParser {
  private final ConfigLexer lex;

  private ConfigParser(ConfigLexer lex) {
    this.lex = lex;
  }

  /** Parses text held in memory. */
  public static ConfigSection parse(String text) throws TextSyntaxException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length, null, MetadataException.UNKNOWN_OFFSET);
  }

  /** Parses the bytes up to the end of the array or the first NUL. */
  public static ConfigSection parse(byte[] text) throws TextSyntaxException {
    return parse(text, 0, text.length, null, MetadataException.UNKNOWN_OFFSET);
  }

  /**
   * Parses {@code len} bytes at {@code off} (stopping early at a NUL).
   *
   * @param device named in errors, or {@code null}
   * @param byteOffset absolute device offset of the text named in errors, or {@link
   *     MetadataException#UNKNOWN_OFFSET}
   */
  public static ConfigSection parse(byte[] text, int off, int len, String device, long byteOffset)
      throws TextSyntaxException {
    return new ConfigParser(new ConfigLexer(text, off, len, device, byteOffset)).file();
  }

  private ConfigSection file() throws TextSyntaxException {
    ConfigSection root = ConfigSection.root();
    Deque<ConfigSection> open = new ArrayDeque<>();
    ConfigSection current = root;
    while (true) {
      Type t = lex.next(false);
      if (t == Type.EOF) {
        if (!open.isEmpty()) {
          throw lex.errorHere(
              "unexpected end of text: section '"
                  + current.key()
                  + "' opened at line "
                  + current.line()
                  + " is not closed");
        }
        return root;
      }
      if (t == Type.SECTION_END) {
        if (open.isEmpty()) {
          throw lex.errorHere("unexpected '}' outside any section");
        }
        current = open.pop();
        continue;
      }
      if (t != Type.IDENTIFIER && t != Type.STRING && t != Type.RAW_STRING) {
        throw lex.errorHere(
            "expected a key" + (open.isEmpty() ? "" : " or '}'") + ", found " + lex.describe());
      }
      String key = lex.keyText();
      int keyLine = lex.line();
      t = lex.next(false);
      if (t == Type.SECTION_BEGIN) {
        ConfigSection s = new ConfigSection(key, keyLine);
        current.add(s);
        open.push(current);
        current = s;
      } else if (t == Type.EQ) {
        current.add(new ConfigSetting(key, value(), keyLine));
      } else {
        throw lex.errorHere("expected '=' or '{' after '" + key + "', found " + lex.describe());
      }
    }
  }

  private ConfigValue value() throws TextSyntaxException {
    Type t = lex.next(true);
    if (t != Type.ARRAY_BEGIN) {
      return scalar("a value");
    }
    List<ConfigValue> items = new ArrayList<>();
    t = lex.next(true);
    while (t != Type.ARRAY_END) {
      items.add(scalar("a value or ']'"));
      t = lex.next(true);
      if (t == Type.COMMA) {
        t = lex.next(true);
      }
    }
    return new ConfigValue.Array(items);
  }

  private ConfigValue scalar(String expected) throws TextSyntaxException {
    switch (lex.type()) {
      case INT:
        return new ConfigValue.Int(lex.intValue());
      case FLOAT:
        return new ConfigValue.Real(Double.parseDouble(lex.tokenText()));
      case STRING:
      case RAW_STRING:
      case IDENTIFIER:
        return new ConfigValue.Str(lex.tokenText());
      default:
        throw lex.errorHere("expected " + expected + ", found " + lex.describe());
    }
  }
}
