package io.clvm.engine.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A report laid out as lvm2 lays it out: resolves {@code -o}/{@code -O}/{@code -S} against the
 * field catalog (switching lvs to its segment form and pvs to its PV-segment form when such fields
 * are asked for, as lvm2 does), then filters, sorts and prints rows as aligned columns, separated
 * values, {@code LVM2_FIELD='value'} pairs or lvm2's JSON.
 */
public final class Report {
  private final ReportKind kind;
  private final ReportKind requested;
  private final ReportOptions options;
  private final List<FieldDef> columns;
  private final List<SortKey> sortKeys;
  private final Selection.Condition condition;

  private record SortKey(FieldDef field, boolean descending) {}

  private Report(
      ReportKind requested,
      ReportKind kind,
      ReportOptions options,
      List<FieldDef> columns,
      List<SortKey> sortKeys,
      Selection.Condition condition) {
    this.requested = requested;
    this.kind = kind;
    this.options = options;
    this.columns = columns;
    this.sortKeys = sortKeys;
    this.condition = condition;
  }

  /**
   * Resolves the options for a report of {@code requested} kind.
   *
   * @throws ReportException for unknown fields, mixed PV and LV fields, bad selections
   */
  public static Report prepare(ReportKind requested, ReportOptions options) throws ReportException {
    List<FieldDef> columns = new ArrayList<>();
    boolean replaced = false;
    for (String f : requested.defaultFields()) {
      columns.add(resolve(requested, f));
    }
    for (String arg : options.fields()) {
      if (arg.startsWith("+")) {
        columns.addAll(resolveList(requested, arg.substring(1)));
      } else if (arg.startsWith("-")) {
        columns.removeAll(resolveList(requested, arg.substring(1)));
      } else {
        if (!replaced) {
          columns.clear();
          replaced = true;
        }
        columns.addAll(resolveList(requested, arg));
      }
    }
    List<SortKey> keys = new ArrayList<>();
    List<String> sortArgs = new ArrayList<>();
    if (options.sort().isEmpty()) {
      sortArgs.addAll(requested.defaultSort());
    } else {
      for (String s : options.sort()) {
        sortArgs.addAll(List.of(s.split(",")));
      }
    }
    for (String s : sortArgs) {
      if (s.isEmpty()) {
        continue;
      }
      boolean desc = s.startsWith("-");
      String name = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
      keys.add(new SortKey(resolve(requested, name), desc));
    }
    Set<ReportObject> used = EnumSet.noneOf(ReportObject.class);
    columns.forEach(c -> used.add(c.object()));
    Selection.Condition condition = row -> true;
    if (options.select() != null && !options.select().isBlank()) {
      List<FieldDef> selected = new ArrayList<>();
      condition =
          Selection.compile(
              options.select(),
              name -> {
                FieldDef f = lookup(requested, name);
                if (f != null) {
                  selected.add(f);
                }
                return f;
              });
      selected.forEach(f -> used.add(f.object()));
    }
    ReportKind kind = effectiveKind(requested, used);
    // Default sort keys of the requested kind may not exist in the effective one: keep only
    // those the rows have (seg_start only on segment rows).
    if (options.sort().isEmpty() && kind != requested) {
      keys.clear();
      for (String s : kind.defaultSort()) {
        keys.add(new SortKey(resolve(kind, s), false));
      }
    }
    return new Report(requested, kind, options, List.copyOf(columns), keys, condition);
  }

  private static ReportKind effectiveKind(ReportKind requested, Set<ReportObject> used)
      throws ReportException {
    switch (requested) {
      case LVS:
      case SEGS:
        if (used.contains(ReportObject.PV) || used.contains(ReportObject.PVSEG)) {
          throw new ReportException(
              "Can't report LV and PV fields at the same time in report type \""
                  + requested.jsonName()
                  + "\".");
        }
        return used.contains(ReportObject.SEG) ? ReportKind.SEGS : requested;
      case PVS:
        if (used.contains(ReportObject.LV)
            || used.contains(ReportObject.SEG)
            || used.contains(ReportObject.PVSEG)) {
          return ReportKind.PVSEGS;
        }
        return requested;
      case VGS:
        if (used.contains(ReportObject.PV) || used.contains(ReportObject.PVSEG)) {
          return ReportKind.PVS;
        }
        if (used.contains(ReportObject.SEG)) {
          return ReportKind.SEGS;
        }
        return used.contains(ReportObject.LV) ? ReportKind.LVS : requested;
      default:
        return requested;
    }
  }

  private static List<FieldDef> resolveList(ReportKind kind, String list) throws ReportException {
    List<FieldDef> out = new ArrayList<>();
    for (String name : list.split(",")) {
      String n = name.strip();
      if (n.isEmpty()) {
        continue;
      }
      List<FieldDef> all = expandAll(kind, n.toLowerCase(Locale.ROOT));
      if (all != null) {
        out.addAll(all);
      } else {
        out.add(resolve(kind, n));
      }
    }
    return out;
  }

  private static List<FieldDef> expandAll(ReportKind kind, String name) {
    FieldCatalog cat = FieldCatalog.get();
    switch (name) {
      case "all":
        {
          List<FieldDef> out = new ArrayList<>();
          if (kind == ReportKind.PVS || kind == ReportKind.PVSEGS) {
            for (FieldDef f : cat.of(ReportObject.PV)) {
              if (kind == ReportKind.PVS || ReportKind.LABEL_FIELDS.contains(f.id())) {
                out.add(f);
              }
            }
            if (kind == ReportKind.PVSEGS) {
              out.addAll(cat.of(ReportObject.PVSEG));
            }
            return out;
          }
          for (ReportObject o : kind.allObjects()) {
            for (FieldDef f : cat.of(o)) {
              out.add(f);
              // lvm2's segment report leaves out the LV's kernel info and status fields, which
              // follow writecache_block_size in its table.
              if (kind == ReportKind.SEGS && f.id().equals("writecache_block_size")) {
                break;
              }
            }
          }
          return out;
        }
      case "lv_all":
        return cat.of(ReportObject.LV);
      case "vg_all":
        return cat.of(ReportObject.VG);
      case "pv_all":
        return cat.of(ReportObject.PV);
      case "seg_all":
        return cat.of(ReportObject.SEG);
      case "pvseg_all":
        return cat.of(ReportObject.PVSEG);
      default:
        return null;
    }
  }

  private static FieldDef lookup(ReportKind kind, String name) {
    FieldCatalog cat = FieldCatalog.get();
    String n = name.toLowerCase(Locale.ROOT);
    FieldDef f = cat.field(n);
    if (f == null) {
      f = cat.field(kind.prefix() + n);
    }
    if (f == null && kind == ReportKind.SEGS) {
      f = cat.field("lv_" + n);
    }
    if (f == null && kind == ReportKind.PVSEGS) {
      f = cat.field("pv_" + n);
    }
    return f;
  }

  private static FieldDef resolve(ReportKind kind, String name) throws ReportException {
    FieldDef f = lookup(kind, name);
    if (f == null) {
      throw new ReportException("Unrecognised field: " + name);
    }
    return f;
  }

  /** The report that rows must be made for: lvs becomes segments when segment fields are used. */
  public ReportKind kind() {
    return kind;
  }

  /** The resolved columns. */
  public List<FieldDef> columns() {
    return columns;
  }

  /** Filters, sorts and prints {@code rows}; every line starts with lvm2's two spaces. */
  public String render(List<? extends ReportRow> rows) {
    List<ReportRow> kept = new ArrayList<>();
    for (ReportRow r : rows) {
      if (condition.test(r)) {
        kept.add(r);
      }
    }
    kept.sort(comparator());
    List<String[]> cells = new ArrayList<>(kept.size());
    for (ReportRow r : kept) {
      String[] line = new String[columns.size()];
      for (int i = 0; i < line.length; i++) {
        FieldDef f = columns.get(i);
        Value v = r.value(f);
        line[i] = v == null ? f.fallback() : v.display(options.units(), options.suffix());
      }
      cells.add(line);
    }
    StringBuilder out = new StringBuilder();
    if (options.format() == ReportFormat.JSON) {
      json(cells, out);
    } else if (options.namePrefixes()) {
      prefixed(cells, out);
    } else {
      columns(cells, out);
    }
    return out.toString();
  }

  private Comparator<ReportRow> comparator() {
    Comparator<ReportRow> c = (a, b) -> 0;
    for (SortKey k : sortKeys) {
      Comparator<ReportRow> one =
          (a, b) -> compare(k.field(), a.value(k.field()), b.value(k.field()));
      c = c.thenComparing(k.descending() ? one.reversed() : one);
    }
    return c;
  }

  private static int compare(FieldDef f, Value a, Value b) {
    Long na = number(a);
    Long nb = number(b);
    if (na != null && nb != null) {
      return Long.compare(na, nb);
    }
    if (na != null || nb != null) {
      return na != null ? 1 : -1;
    }
    return text(f, a).compareTo(text(f, b));
  }

  private static Long number(Value v) {
    if (v instanceof Value.Num n) {
      return n.value();
    }
    if (v instanceof Value.Size s) {
      return s.bytes();
    }
    return null;
  }

  private static String text(FieldDef f, Value v) {
    return v == null ? f.fallback() : v.display(io.clvm.engine.units.Units.DEFAULT, true);
  }

  private void columns(List<String[]> cells, StringBuilder out) {
    boolean aligned = options.separator() == null || options.aligned();
    String sep = options.separator() == null ? " " : options.separator();
    int[] width = new int[columns.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = columns.get(i).initialWidth();
      for (String[] line : cells) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    // lvm2 prints nothing at all, not even headings, for a report without rows.
    if (cells.isEmpty()) {
      return;
    }
    if (options.headings()) {
      out.append("  ");
      for (int i = 0; i < width.length; i++) {
        if (i > 0) {
          out.append(sep);
        }
        String h = columns.get(i).heading();
        if (aligned) {
          h = h.length() > width[i] ? h.substring(0, width[i]) : h;
          pad(out, h, width[i], false);
        } else {
          out.append(h);
        }
      }
      out.append('\n');
    }
    for (String[] line : cells) {
      out.append("  ");
      for (int i = 0; i < line.length; i++) {
        if (i > 0) {
          out.append(sep);
        }
        if (aligned) {
          pad(out, line[i], width[i], columns.get(i).type().rightAligned());
        } else {
          out.append(line[i]);
        }
      }
      out.append('\n');
    }
  }

  private static void pad(StringBuilder out, String s, int width, boolean right) {
    if (right) {
      out.append(" ".repeat(Math.max(0, width - s.length()))).append(s);
    } else {
      out.append(s).append(" ".repeat(Math.max(0, width - s.length())));
    }
  }

  private void prefixed(List<String[]> cells, StringBuilder out) {
    String sep = options.separator() == null ? " " : options.separator();
    if (cells.isEmpty()) {
      return;
    }
    if (options.headings()) {
      out.append("  ");
      for (int i = 0; i < columns.size(); i++) {
        out.append(i > 0 ? sep : "").append(columns.get(i).heading());
      }
      out.append('\n');
    }
    for (String[] line : cells) {
      out.append("  ");
      for (int i = 0; i < line.length; i++) {
        out.append(i > 0 ? sep : "")
            .append("LVM2_")
            .append(columns.get(i).id().toUpperCase(Locale.ROOT))
            .append("='")
            .append(line[i])
            .append('\'');
      }
      out.append('\n');
    }
  }

  private void json(List<String[]> cells, StringBuilder out) {
    String name =
        (requested == ReportKind.SEGS || requested == ReportKind.PVSEGS ? kind : requested)
            .jsonName();
    out.append("  {\n");
    out.append("      \"report\": [\n");
    out.append("          {\n");
    out.append("              \"").append(name).append("\": [\n");
    for (int r = 0; r < cells.size(); r++) {
      String[] line = cells.get(r);
      out.append("                  {");
      for (int i = 0; i < line.length; i++) {
        if (i > 0) {
          out.append(", ");
        }
        out.append('"').append(columns.get(i).id()).append("\":\"");
        escape(out, line[i]);
        out.append('"');
      }
      out.append(r + 1 < cells.size() ? "},\n" : "}\n");
    }
    out.append("              ]\n");
    out.append("          }\n");
    out.append("      ]\n");
    out.append("  }\n");
  }

  private static void escape(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
  }
}
