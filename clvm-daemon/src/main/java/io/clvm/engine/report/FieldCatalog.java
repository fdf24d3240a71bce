package io.clvm.engine.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every field lvm2 2.03.16 reports, in lvm2's order, read from {@code fields.tsv} (generated from
 * the live lvm2's {@code -S help} and {@code -o all} output). A table rather than code: it is data
 * that was measured, and it loads in well under a millisecond.
 */
public final class FieldCatalog {
  private static final FieldCatalog INSTANCE = load();

  private final Map<String, FieldDef> byId;

  private FieldCatalog(Map<String, FieldDef> byId) {
    this.byId = byId;
  }

  /** The catalog. */
  public static FieldCatalog get() {
    return INSTANCE;
  }

  /** The field called {@code id}, or null. */
  public FieldDef field(String id) {
    return byId.get(id);
  }

  /** All fields in lvm2's order. */
  public List<FieldDef> all() {
    return Collections.unmodifiableList(new ArrayList<>(byId.values()));
  }

  /** The fields of one object, in lvm2's order. */
  public List<FieldDef> of(ReportObject object) {
    List<FieldDef> out = new ArrayList<>();
    for (FieldDef f : byId.values()) {
      if (f.object() == object) {
        out.add(f);
      }
    }
    return out;
  }

  private static FieldCatalog load() {
    Map<String, FieldDef> map = new LinkedHashMap<>();
    try (InputStream in = FieldCatalog.class.getResourceAsStream("fields.tsv")) {
      if (in == null) {
        throw new IllegalStateException("fields.tsv missing from the class path");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] c = line.split("\t", -1);
        FieldDef f =
            new FieldDef(
                c[0],
                ReportObject.valueOf(c[1]),
                FieldType.valueOf(c[2]),
                c[3],
                Integer.parseInt(c[4]),
                c[5]);
        map.put(f.id(), f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FieldCatalog(map);
  }
}
