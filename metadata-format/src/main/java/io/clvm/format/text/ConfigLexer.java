package io.clvm.format.text;

import java.nio.charset.StandardCharsets;

/**
 * Splits lvm2 config/metadata text into tokens, the way libdm's config parser does.
 *
 * <p>Works on the raw bytes without copying: after {@link #next(boolean)} the token is {@link
 * #type()} at {@code [start(), end())} of the buffer. Input ends at the buffer's end or the first
 * NUL byte, because the metadata area stores the text NUL-terminated.
 *
 * <p>Numbers are only recognised where a value may stand (after {@code =}, {@code [} or {@code ,});
 * elsewhere {@code 123} is an identifier. This mirrors lvm2, which needs it for keys such as {@code
 * 0} in lvm.conf-like files.
 */
final class ConfigLexer {
  enum Type {
    EOF,
    SECTION_BEGIN,
    SECTION_END,
    ARRAY_BEGIN,
    ARRAY_END,
    COMMA,
    EQ,
    INT,
    FLOAT,
    STRING,
    RAW_STRING,
    IDENTIFIER
  }

  private final byte[] buf;
  private final int limit;
  private final String device;
  private final long byteOffset;
  private int pos;
  private int line = 1;
  private int lineStart;

  private Type type;
  private int start;
  private int end;
  private int tokenLine;
  private int tokenColumn;

  ConfigLexer(byte[] buf, int off, int len, String device, long byteOffset) {
    this.buf = buf;
    int lim = off + len;
    for (int i = off; i < lim; i++) {
      if (buf[i] == 0) {
        lim = i;
        break;
      }
    }
    this.limit = lim;
    this.pos = off;
    this.lineStart = off;
    this.device = device;
    this.byteOffset = byteOffset;
  }

  Type type() {
    return type;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  int line() {
    return tokenLine;
  }

  int column() {
    return tokenColumn;
  }

  /** Advances to the next token; {@code valueAllowed} enables number recognition. */
  Type next(boolean valueAllowed) throws TextSyntaxException {
    skipSpaceAndComments();
    start = pos;
    tokenLine = line;
    tokenColumn = pos - lineStart + 1;
    if (pos >= limit) {
      end = pos;
      return type = Type.EOF;
    }
    byte c = buf[pos];
    switch (c) {
      case '{':
        return punct(Type.SECTION_BEGIN);
      case '}':
        return punct(Type.SECTION_END);
      case '[':
        return punct(Type.ARRAY_BEGIN);
      case ']':
        return punct(Type.ARRAY_END);
      case ',':
        return punct(Type.COMMA);
      case '=':
        return punct(Type.EQ);
      case '"':
        return quoted();
      case '\'':
        return raw();
      default:
        if (valueAllowed && (isDigit(c) || c == '+' || c == '-' || c == '.')) {
          return number();
        }
        return identifier(valueAllowed);
    }
  }

  private Type punct(Type t) {
    end = ++pos;
    return type = t;
  }

  private Type quoted() throws TextSyntaxException {
    int p = pos + 1;
    while (p < limit) {
      byte c = buf[p];
      if (c == '"') {
        start = pos + 1;
        end = p;
        advanceTo(p + 1);
        return type = Type.STRING;
      }
      // A backslash protects the next byte from ending the string, whatever it is.
      p += c == '\\' ? 2 : 1;
    }
    throw error(tokenLine, tokenColumn, "unterminated string");
  }

  private Type raw() throws TextSyntaxException {
    for (int p = pos + 1; p < limit; p++) {
      if (buf[p] == '\'') {
        start = pos + 1;
        end = p;
        advanceTo(p + 1);
        return type = Type.RAW_STRING;
      }
    }
    throw error(tokenLine, tokenColumn, "unterminated string");
  }

  private Type number() throws TextSyntaxException {
    boolean isFloat = buf[pos] == '.';
    boolean digits = isDigit(buf[pos]);
    int p = pos + 1;
    for (; p < limit; p++) {
      byte c = buf[p];
      if (isDigit(c)) {
        digits = true;
      } else if (c == '.' && !isFloat) {
        isFloat = true;
      } else {
        break;
      }
    }
    if (!digits) {
      throw error(tokenLine, tokenColumn, "malformed number '" + text(pos, p) + "'");
    }
    end = p;
    pos = p;
    return type = isFloat ? Type.FLOAT : Type.INT;
  }

  /**
   * A bare word runs to whitespace, {@code #}, {@code =}, {@code {} or {@code }}. In value position
   * lvm2 does not stop it at {@code ,} or {@code ]} either; as a key we do, so that a stray bracket
   * is reported where it stands.
   */
  private Type identifier(boolean valueAllowed) {
    int p = pos;
    while (p < limit) {
      byte c = buf[p];
      if (isSpace(c) || c == '#' || c == '=' || c == '{' || c == '}') {
        break;
      }
      if (!valueAllowed && (c == '[' || c == ']' || c == ',' || c == '"' || c == '\'')) {
        break;
      }
      p++;
    }
    if (p == pos) {
      p++; // a lone stray character: make it a token of its own so the parser can name it
    }
    end = p;
    pos = p;
    return type = Type.IDENTIFIER;
  }

  private void skipSpaceAndComments() {
    while (pos < limit) {
      byte c = buf[pos];
      if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (isSpace(c)) {
        pos++;
      } else if (c == '#') {
        while (pos < limit && buf[pos] != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  /** Moves past a string token, counting the newlines inside it. */
  private void advanceTo(int p) {
    for (int i = pos; i < p; i++) {
      if (buf[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    pos = p;
  }

  /**
   * The token as a key. Keys repeat thousands of times in a big VG ({@code id}, {@code status},
   * ...), so short ones are shared through a small cache instead of allocated per occurrence.
   */
  String keyText() {
    if (type == Type.STRING) {
      return unescape(start, end);
    }
    int len = end - start;
    if (len > 24) {
      return text(start, end);
    }
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + buf[i];
    }
    int slot = (h ^ (h >>> 16)) & (KEY_CACHE_SIZE - 1);
    String cached = keyCache[slot];
    if (cached != null && cached.length() == len && matches(cached, start)) {
      return cached;
    }
    String k = text(start, end);
    keyCache[slot] = k;
    return k;
  }

  private static final int KEY_CACHE_SIZE = 256;
  private final String[] keyCache = new String[KEY_CACHE_SIZE];

  private boolean matches(String s, int from) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != buf[from + i]) {
        return false;
      }
    }
    return true;
  }

  /** The value of an INT token, converted as lvm2 does, without making a string. */
  long intValue() {
    int i = start;
    boolean negative = false;
    if (buf[i] == '+' || buf[i] == '-') {
      negative = buf[i] == '-';
      i++;
    }
    if (end - i > 18 || (end - i > 1 && buf[i] == '0')) {
      return LvmIntegers.parse(text(start, end)); // octal or possibly overflowing: the slow path
    }
    long v = 0;
    for (; i < end; i++) {
      v = v * 10 + (buf[i] - '0');
    }
    return negative ? -v : v;
  }

  /** The token's text, unescaped for double-quoted strings. */
  String tokenText() {
    if (type == Type.STRING) {
      return unescape(start, end);
    }
    return text(start, end);
  }

  private String unescape(int from, int to) {
    int bs = -1;
    for (int i = from; i < to; i++) {
      if (buf[i] == '\\') {
        bs = i;
        break;
      }
    }
    if (bs < 0) {
      return text(from, to);
    }
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = buf[i];
      // Only \" and \\ are escapes; lvm2 keeps any other backslash as it is.
      if (c == '\\' && i + 1 < to && (buf[i + 1] == '"' || buf[i + 1] == '\\')) {
        c = buf[++i];
      }
      out[n++] = c;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  String text(int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.UTF_8);
  }

  /** Describes the current token for an error message. */
  String describe() {
    switch (type) {
      case EOF:
        return "end of text";
      case STRING:
      case RAW_STRING:
        return "string " + abbreviate(text(start - 1, end + 1));
      case INT:
      case FLOAT:
        return "number " + abbreviate(text(start, end));
      case IDENTIFIER:
        return "'" + abbreviate(text(start, end)) + "'";
      default:
        return "'" + (char) buf[start] + "'";
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  TextSyntaxException error(int atLine, int atColumn, String reason) {
    return new TextSyntaxException(device, byteOffset, atLine, atColumn, reason);
  }

  TextSyntaxException errorHere(String reason) {
    return error(tokenLine, tokenColumn, reason);
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
  }
}
