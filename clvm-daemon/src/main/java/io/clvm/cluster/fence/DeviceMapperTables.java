package io.clvm.cluster.fence;

import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DmName;
import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.Table;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link LocalTables} over dm-bridge's {@link DeviceMapper}: fencing swaps an LV's live table for
 * one {@code error} target of the same length and keeps the old table to put back on unfence.
 *
 * <p>The swap suspends with NOFLUSH: I/O queued in the device is re-issued to the error table and
 * fails, instead of being flushed to the shared disk that another node may own by now (and a flush
 * could hang on the same outage that cut ZooKeeper).
 */
public final class DeviceMapperTables implements LocalTables {
  /** Maps a VG/LV uuid pair to this node's device name (the engine knows names and prefixes). */
  @FunctionalInterface
  public interface Names {
    Optional<DmName> deviceOf(String vgUuid, String lvUuid) throws IOException;
  }

  private final DeviceMapperOperations ops;
  private final Names names;
  private final Map<DmName, Table> saved = new ConcurrentHashMap<>();

  public DeviceMapperTables(DeviceMapper dm, Names names) {
    this.ops = new DeviceMapperOperations(dm);
    this.names = names;
  }

  @Override
  public void fence(String vgUuid, String lvUuid) throws IOException {
    Optional<DmName> name = names.deviceOf(vgUuid, lvUuid);
    if (name.isEmpty()) {
      return; // no device on this node: nothing can write
    }
    DeviceMapper dm = ops.deviceMapper();
    Optional<Table> live = dm.table(name.get(), TableSlot.LIVE);
    if (live.isEmpty()) {
      return;
    }
    saved.putIfAbsent(name.get(), live.get());
    ops.reload(name.get(), Table.single(live.get().size(), new ErrorTarget()), SuspendMode.NOFLUSH);
  }

  @Override
  public void unfence(String vgUuid, String lvUuid) throws IOException {
    Optional<DmName> name = names.deviceOf(vgUuid, lvUuid);
    if (name.isEmpty()) {
      return;
    }
    Table table = saved.get(name.get());
    if (table != null) {
      ops.reload(name.get(), table, SuspendMode.NOFLUSH);
      saved.remove(name.get());
    }
  }
}
