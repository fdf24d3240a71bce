package io.clvm.dm;

import io.clvm.dm.table.Table;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's device-mapper, one operation per ioctl. Two implementations: {@link
 * KernelDeviceMapper} (the real thing, through {@code /dev/mapper/control}) and {@link
 * InMemoryDeviceMapper} (the same rules without a kernel, for fast tests of its users).
 *
 * <p>A device's life: {@link #create} (no table yet), {@link #loadTable} into the inactive slot,
 * {@link #resume} (the inactive table becomes live and I/O flows); to change the table online,
 * {@link #loadTable}, {@link #suspend}, {@link #resume}. {@link DeviceMapperOperations} does these
 * sequences safely, undoing a half-done one. Every failure is a {@link DeviceMapperException}
 * naming the command, the device and the error.
 */
public interface DeviceMapper {

  /** Where a table sits: the live one serving I/O, or the inactive one waiting for a resume. */
  enum TableSlot {
    LIVE,
    INACTIVE
  }

  /** How a suspend treats I/O in flight. */
  enum SuspendMode {
    /** Wait for I/O in flight to complete (and flush the file system, if any) before suspending. */
    FLUSH,
    /** Suspend at once; queued I/O is kept and re-issued to the next table ({@code --noflush}). */
    NOFLUSH
  }

  /** The driver's interface version ({@code dmsetup version}'s "Driver version"). */
  DriverVersion version() throws IOException;

  /** Every device-mapper device on the system. */
  List<DeviceEntry> listDevices() throws IOException;

  /** The target types the kernel knows now, with their versions. */
  List<TargetVersion> listTargets() throws IOException;

  /** Creates a device with no table; it appears suspended-less with size 0. */
  DeviceInfo create(DmName name, Optional<DmUuid> uuid) throws IOException;

  /** Loads {@code table} into the device's inactive slot (replacing any inactive table there). */
  DeviceInfo loadTable(DmName name, Table table) throws IOException;

  /** Drops the device's inactive table, if any. */
  DeviceInfo clearInactiveTable(DmName name) throws IOException;

  /** Suspends the device: I/O is queued until {@link #resume}. */
  DeviceInfo suspend(DmName name, SuspendMode mode) throws IOException;

  /** Resumes the device, making its inactive table (if any) the live one. */
  DeviceInfo resume(DmName name) throws IOException;

  /** Removes the device; refused while it is open. */
  void remove(DmName name) throws IOException;

  /** Renames the device. */
  DeviceInfo rename(DmName from, DmName to) throws IOException;

  /** The device's state, or empty when no such device exists. */
  Optional<DeviceInfo> info(DmName name) throws IOException;

  /** The device's table in {@code slot}, or empty when that slot holds none. */
  Optional<Table> table(DmName name, TableSlot slot) throws IOException;

  /** The status line of each target of the live table ({@code dmsetup status}). */
  List<TargetStatus> status(DmName name) throws IOException;
}
