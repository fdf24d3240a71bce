package io.clvm.cluster;

import io.clvm.cluster.fence.LocalTables;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One node's "device-mapper": per LV, either "live" (committed table) or "error". */
public final class FakeTables implements LocalTables {
  private final Map<String, String> tables = new ConcurrentHashMap<>();

  public void load(String vgUuid, String lvUuid) {
    tables.put(vgUuid + "/" + lvUuid, "live");
  }

  public String table(String vgUuid, String lvUuid) {
    return tables.getOrDefault(vgUuid + "/" + lvUuid, "none");
  }

  @Override
  public void fence(String vgUuid, String lvUuid) {
    tables.put(vgUuid + "/" + lvUuid, "error");
  }

  @Override
  public void unfence(String vgUuid, String lvUuid) {
    tables.put(vgUuid + "/" + lvUuid, "live");
  }
}
