package io.clvm.dm;

import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.Table;
import java.io.IOException;
import java.util.Optional;

/**
 * The multi-step device-mapper sequences, each all-or-nothing as far as the kernel allows:
 *
 * <ul>
 *   <li>{@link #createActive}: create, load, resume; on any failure the new device is removed;
 *   <li>{@link #reload}: load inactive, suspend, resume; on failure the inactive table is dropped
 *       and the device resumed with its old table, never left suspended or half-changed;
 *   <li>{@link #removeIfPresent}.
 * </ul>
 */
public final class DeviceMapperOperations {
  private final DeviceMapper dm;

  public DeviceMapperOperations(DeviceMapper dm) {
    this.dm = dm;
  }

  /** The device-mapper these operations act on. */
  public DeviceMapper deviceMapper() {
    return dm;
  }

  /**
   * Creates {@code name} with {@code table} live. If any step fails, a device this call created is
   * removed again, and the failure is thrown (with a failed undo attached as suppressed).
   */
  public DeviceInfo createActive(DmName name, Optional<DmUuid> uuid, Table table)
      throws IOException {
    dm.create(name, uuid);
    try {
      dm.loadTable(name, table);
      return dm.resume(name);
    } catch (IOException | RuntimeException e) {
      try {
        dm.remove(name);
      } catch (IOException | RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  /**
   * Replaces the live table of {@code name} with {@code table} online: I/O is held during the swap
   * and continues on the new table. On failure the device is back on its old table and resumed; if
   * even that is impossible, the exception says that the device is left suspended.
   */
  public DeviceInfo reload(DmName name, Table table, SuspendMode mode) throws IOException {
    DeviceInfo before =
        dm.info(name)
            .orElseThrow(
                () ->
                    new DeviceMapperException(
                        "reload", name.value(), Errno.ENXIO, "no such device"));
    if (before.inactiveTable()) dm.clearInactiveTable(name);
    try {
      dm.loadTable(name, table);
    } catch (IOException | RuntimeException e) {
      dropInactive(name, e);
      throw e;
    }
    try {
      dm.suspend(name, mode);
    } catch (IOException | RuntimeException e) {
      recover(name, e);
      throw e;
    }
    try {
      return dm.resume(name);
    } catch (IOException | RuntimeException e) {
      recover(name, e);
      throw e;
    }
  }

  /**
   * Fences a device: replaces its live table with an {@code error} table of the same size, so that
   * every further I/O fails at once (a node that lost its cluster lock must not write). Suspends
   * without flush, so I/O queued in the device fails instead of reaching the old table. Returns the
   * table it replaced, for {@link #reload} when the fence is lifted.
   */
  public Table errorOut(DmName name) throws IOException {
    Table live =
        dm.table(name, TableSlot.LIVE)
            .orElseThrow(
                () ->
                    new DeviceMapperException(
                        "error-out", name.value(), Errno.ENXIO, "the device has no live table"));
    reload(name, Table.single(live.size(), new ErrorTarget()), SuspendMode.NOFLUSH);
    return live;
  }

  /** Removes {@code name} if it exists; true when it did. */
  public boolean removeIfPresent(DmName name) throws IOException {
    if (dm.info(name).isEmpty()) return false;
    dm.remove(name);
    return true;
  }

  /** True when the live table of {@code name} equals {@code table}. */
  public boolean hasLiveTable(DmName name, Table table) throws IOException {
    return dm.table(name, TableSlot.LIVE).map(table::equals).orElse(false);
  }

  private void dropInactive(DmName name, Exception failure) {
    try {
      if (dm.info(name).map(DeviceInfo::inactiveTable).orElse(false)) {
        dm.clearInactiveTable(name);
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** After a failed suspend or resume: drop the new table, then resume on the old one. */
  private void recover(DmName name, Exception failure) {
    dropInactive(name, failure);
    try {
      Optional<DeviceInfo> now = dm.info(name);
      if (now.isPresent() && now.get().suspended()) dm.resume(name);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(
          new DeviceMapperException(
              "reload",
              name.value(),
              0,
              "could not resume the device on its old table: it is LEFT SUSPENDED",
              e));
    }
  }
}
