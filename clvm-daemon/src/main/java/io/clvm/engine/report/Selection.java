package io.clvm.engine.report;

import io.clvm.engine.units.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * lvm2's {@code -S/--select} language, the common part: {@code field op value} comparisons ({@code
 * = != < <= > >= =~ !~}), {@code && ,} and {@code || #}, {@code !} and parentheses, quoted or bare
 * values, {@code [a,b]} and {@code {a,b}} lists for string lists. Sizes take units, 'm' by default.
 */
public final class Selection {
  /** A compiled condition on one row. */
  @FunctionalInterface
  public interface Condition {
    boolean test(ReportRow row);
  }

  private final String text;
  private final Function<String, FieldDef> resolver;
  private int pos;

  private Selection(String text, Function<String, FieldDef> resolver) {
    this.text = text;
    this.resolver = resolver;
  }

  /**
   * Compiles {@code text}; {@code resolver} turns a field name into its definition (or null).
   *
   * @throws ReportException with lvm2's messages for unknown fields and syntax errors
   */
  public static Condition compile(String text, Function<String, FieldDef> resolver)
      throws ReportException {
    Selection s = new Selection(text, resolver);
    Condition c = s.or();
    s.skipSpace();
    if (s.pos != text.length()) {
      throw s.syntaxError(s.pos);
    }
    return c;
  }

  private Condition or() throws ReportException {
    Condition left = and();
    while (true) {
      skipSpace();
      if (text.startsWith("||", pos)) {
        pos += 2;
      } else if (peek() == '#') {
        pos++;
      } else {
        return left;
      }
      Condition a = left;
      Condition b = and();
      left = row -> a.test(row) || b.test(row);
    }
  }

  private Condition and() throws ReportException {
    Condition left = unary();
    while (true) {
      skipSpace();
      if (text.startsWith("&&", pos)) {
        pos += 2;
      } else if (peek() == ',') {
        pos++;
      } else {
        return left;
      }
      Condition a = left;
      Condition b = unary();
      left = row -> a.test(row) && b.test(row);
    }
  }

  private Condition unary() throws ReportException {
    skipSpace();
    if (peek() == '!' && !text.startsWith("!=", pos) && !text.startsWith("!~", pos)) {
      pos++;
      Condition c = unary();
      return row -> !c.test(row);
    }
    if (peek() == '(') {
      pos++;
      Condition c = or();
      skipSpace();
      if (peek() != ')') {
        throw syntaxError(pos);
      }
      pos++;
      return c;
    }
    return comparison();
  }

  private Condition comparison() throws ReportException {
    int start = pos;
    int nameStart = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    String name = text.substring(nameStart, pos);
    if (name.isEmpty()) {
      throw syntaxError(start);
    }
    FieldDef field = resolver.apply(name);
    if (field == null) {
      throw new ReportException(
          "Unrecognised selection field: "
              + name
              + "\nSelection syntax error at '"
              + text.substring(start)
              + "'.\nUse 'help' for selection to get more help.");
    }
    skipSpace();
    String op = operator();
    if (op == null) {
      throw syntaxError(start);
    }
    skipSpace();
    if (op.equals("=~") || op.equals("!~")) {
      String re = scalar();
      Pattern p;
      try {
        p = Pattern.compile(re);
      } catch (PatternSyntaxException e) {
        throw new ReportException("Failed to parse regex: " + re);
      }
      boolean negate = op.equals("!~");
      return row -> negate != p.matcher(display(row, field)).find();
    }
    if (field.type() == FieldType.STR_LIST && (peek() == '[' || peek() == '{')) {
      boolean subset = peek() == '{';
      List<String> items = list();
      boolean negate = op.equals("!=");
      if (!op.equals("=") && !negate) {
        throw syntaxError(start);
      }
      return row -> negate != listMatches(row, field, items, subset);
    }
    String literal = scalar();
    return compare(field, op, literal, start);
  }

  private Condition compare(FieldDef field, String op, String literal, int start)
      throws ReportException {
    switch (field.type()) {
      case NUM:
      case PCT:
      case SIZ:
        {
          Double wanted = numberLiteral(field, literal);
          if (wanted == null) {
            if (!op.equals("=") && !op.equals("!=")) {
              throw syntaxError(start);
            }
            boolean negate = op.equals("!=");
            return row -> negate != reservedMatch(display(row, field), literal);
          }
          double w = wanted;
          return row -> {
            Double v = numeric(row, field);
            return v != null && holds(Double.compare(v, w), op);
          };
        }
      case STR_LIST:
        {
          boolean negate = op.equals("!=");
          if (!op.equals("=") && !negate) {
            throw syntaxError(start);
          }
          return row -> negate != listMatches(row, field, List.of(literal), true);
        }
      default:
        return row -> holds(display(row, field).compareTo(literal), op);
    }
  }

  private static boolean holds(int cmp, String op) {
    switch (op) {
      case "=":
        return cmp == 0;
      case "!=":
        return cmp != 0;
      case "<":
        return cmp < 0;
      case "<=":
        return cmp <= 0;
      case ">":
        return cmp > 0;
      default:
        return cmp >= 0;
    }
  }

  /** A binary field ("allocatable" or "") compared with lvm2's reserved words or 0/1. */
  private static boolean reservedMatch(String shown, String literal) {
    String l = literal.toLowerCase(Locale.ROOT);
    if (l.equals("1") || l.equals("yes")) {
      return !shown.isEmpty();
    }
    if (l.equals("0") || l.equals("no")) {
      return shown.isEmpty();
    }
    return shown.equals(literal);
  }

  private static Double numberLiteral(FieldDef field, String literal) {
    String s = literal;
    long unit = 1;
    if (field.type() == FieldType.PCT && s.endsWith("%")) {
      s = s.substring(0, s.length() - 1);
    }
    if (field.type() == FieldType.SIZ && !s.isEmpty()) {
      char last = s.charAt(s.length() - 1);
      if (Character.isLetter(last)) {
        s = s.substring(0, s.length() - 1);
        unit = Units.multiplier(last);
        if (unit == 0) {
          return null;
        }
      } else {
        unit = 1L << 20; // lvm2: "'m' unit used by default if not specified"
      }
    }
    try {
      double v = Double.parseDouble(s);
      if (s.equals("-1") || s.equalsIgnoreCase("unknown")) {
        return -1.0;
      }
      return v * unit;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Double numeric(ReportRow row, FieldDef field) {
    Value v = row.value(field);
    if (v instanceof Value.Num n) {
      return (double) n.value();
    }
    if (v instanceof Value.Size s) {
      return (double) s.bytes();
    }
    String shown = v == null ? field.fallback() : v.display(Units.HUMAN, false);
    try {
      return Double.parseDouble(shown);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String display(ReportRow row, FieldDef field) {
    Value v = row.value(field);
    return v == null ? field.fallback() : v.display(Units.DEFAULT, true);
  }

  private static boolean listMatches(
      ReportRow row, FieldDef field, List<String> items, boolean subset) {
    Value v = row.value(field);
    List<String> have;
    if (v instanceof Value.Words w) {
      have = w.words();
    } else {
      String shown = display(row, field);
      have = shown.isEmpty() ? List.of() : List.of(shown.split(","));
    }
    if (subset) {
      return have.containsAll(items);
    }
    return have.size() == items.size() && have.containsAll(items);
  }

  private String operator() {
    for (String op : new String[] {"=~", "!~", "!=", ">=", "<=", "=", ">", "<"}) {
      if (text.startsWith(op, pos)) {
        pos += op.length();
        return op;
      }
    }
    return null;
  }

  private String scalar() throws ReportException {
    char c = peek();
    if (c == '\'' || c == '"') {
      int end = text.indexOf(c, pos + 1);
      if (end < 0) {
        throw syntaxError(pos);
      }
      String s = text.substring(pos + 1, end);
      pos = end + 1;
      return s;
    }
    int start = pos;
    while (pos < text.length() && " \t,)&|#".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private List<String> list() throws ReportException {
    char close = peek() == '[' ? ']' : '}';
    pos++;
    List<String> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == close) {
        pos++;
        return items;
      }
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != close && text.charAt(pos) != ',') {
        pos++;
      }
      if (pos >= text.length()) {
        throw syntaxError(start);
      }
      items.add(text.substring(start, pos).strip());
      if (peek() == ',') {
        pos++;
      }
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private ReportException syntaxError(int at) {
    return new ReportException(
        "Selection syntax error at '"
            + text.substring(Math.min(at, text.length()))
            + "'.\nUse 'help' for selection to get more help.");
  }
}
