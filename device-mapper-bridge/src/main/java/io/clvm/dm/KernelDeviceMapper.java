package io.clvm.dm;

import io.clvm.dm.internal.DmControl;
import io.clvm.dm.internal.DmControl.Result;
import io.clvm.dm.internal.DmIoctl;
import io.clvm.dm.internal.DmIoctl.Command;
import io.clvm.dm.internal.DmIoctl.Header;
import io.clvm.dm.internal.DmIoctl.NameEntry;
import io.clvm.dm.internal.DmIoctl.RawTarget;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.TargetLine;
import io.clvm.dm.table.TargetParams;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's device-mapper through ioctls on {@code /dev/mapper/control} (JNA, no libdevmapper).
 * Makes and removes the {@code /dev/mapper} nodes itself where udev does not (see {@link
 * DeviceNodes}). Thread-safe: every call is one ioctl on its own buffer.
 */
public final class KernelDeviceMapper implements DeviceMapper, Closeable {
  /** The control device. */
  public static final String CONTROL = "/dev/mapper/control";

  private static final byte[] NO_DATA = new byte[0];

  private final DmControl control;
  private final DeviceNodes nodes;

  private KernelDeviceMapper(DmControl control, DeviceNodes nodes) {
    this.control = control;
    this.nodes = nodes;
  }

  /** Opens {@code /dev/mapper/control}; fails clearly where the kernel has no device-mapper. */
  public static KernelDeviceMapper open() throws IOException {
    return open(DeviceNodes.AUTO);
  }

  /** Opens the control device and manages device nodes as {@code nodes} says. */
  public static KernelDeviceMapper open(DeviceNodes nodes) throws IOException {
    return new KernelDeviceMapper(DmControl.open(CONTROL), nodes);
  }

  /** The node manager in use, e.g. to add {@code /dev/<vg>/<lv>} links. */
  public DeviceNodes nodes() {
    return nodes;
  }

  @Override
  public DriverVersion version() throws IOException {
    return call(Command.DM_VERSION, null, 0).header().driverVersion();
  }

  @Override
  public List<DeviceEntry> listDevices() throws IOException {
    // DM_UUID_FLAG asks 4.45+ kernels to add each device's UUID to the list
    Result r = call(Command.DM_LIST_DEVICES, null, DmIoctl.UUID_FLAG);
    List<DeviceEntry> out = new ArrayList<>();
    for (NameEntry e :
        DmIoctl.decodeNameList(r.buffer(), r.header().dataStart, r.header().driverVersion())) {
      out.add(
          new DeviceEntry(
              DmName.of(e.name()),
              e.device(),
              e.uuid().isEmpty() ? Optional.empty() : Optional.of(DmUuid.of(e.uuid()))));
    }
    return out;
  }

  @Override
  public List<TargetVersion> listTargets() throws IOException {
    Result r = call(Command.DM_LIST_VERSIONS, null, 0);
    return DmIoctl.decodeVersions(r.buffer(), r.header().dataStart);
  }

  @Override
  public DeviceInfo create(DmName name, Optional<DmUuid> uuid) throws IOException {
    Result r =
        control.ioctl(
            Command.DM_DEV_CREATE,
            name.value(),
            uuid.map(DmUuid::value).orElse(null),
            0,
            0,
            NO_DATA);
    DeviceInfo info = info(r.header(), name);
    try {
      nodes.createNode(name, info.device());
    } catch (IOException e) {
      try {
        control.ioctl(Command.DM_DEV_REMOVE, name.value(), null, 0, 0, NO_DATA);
      } catch (DeviceMapperException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    return info;
  }

  @Override
  public DeviceInfo loadTable(DmName name, Table table) throws IOException {
    List<TargetLine> lines = table.lines();
    return info(
        control
            .ioctl(
                Command.DM_TABLE_LOAD,
                name.value(),
                null,
                0,
                lines.size(),
                DmIoctl.encodeTargets(lines))
            .header(),
        name);
  }

  @Override
  public DeviceInfo clearInactiveTable(DmName name) throws IOException {
    return info(call(Command.DM_TABLE_CLEAR, name.value(), 0).header(), name);
  }

  @Override
  public DeviceInfo suspend(DmName name, SuspendMode mode) throws IOException {
    int flags = DmIoctl.SUSPEND_FLAG;
    if (mode == SuspendMode.NOFLUSH) flags |= DmIoctl.NOFLUSH_FLAG | DmIoctl.SKIP_LOCKFS_FLAG;
    return info(call(Command.DM_DEV_SUSPEND, name.value(), flags).header(), name);
  }

  @Override
  public DeviceInfo resume(DmName name) throws IOException {
    return info(call(Command.DM_DEV_SUSPEND, name.value(), 0).header(), name);
  }

  @Override
  public void remove(DmName name) throws IOException {
    call(Command.DM_DEV_REMOVE, name.value(), 0);
    nodes.removeNode(name);
  }

  @Override
  public DeviceInfo rename(DmName from, DmName to) throws IOException {
    DeviceInfo info =
        info(
            control
                .ioctl(Command.DM_DEV_RENAME, from.value(), null, 0, 0, DmIoctl.cString(to.value()))
                .header(),
            to);
    nodes.renameNode(from, to, info.device());
    return info(to).orElse(info);
  }

  @Override
  public Optional<DeviceInfo> info(DmName name) throws IOException {
    try {
      return Optional.of(info(call(Command.DM_DEV_STATUS, name.value(), 0).header(), name));
    } catch (DeviceMapperException e) {
      if (e.errno() == Errno.ENXIO) return Optional.empty();
      throw e;
    }
  }

  @Override
  public Optional<Table> table(DmName name, TableSlot slot) throws IOException {
    int flags = DmIoctl.STATUS_TABLE_FLAG;
    if (slot == TableSlot.INACTIVE) flags |= DmIoctl.QUERY_INACTIVE_TABLE_FLAG;
    Result r = call(Command.DM_TABLE_STATUS, name.value(), flags);
    Header h = r.header();
    boolean present =
        h.has(slot == TableSlot.LIVE ? DmIoctl.ACTIVE_PRESENT_FLAG : DmIoctl.INACTIVE_PRESENT_FLAG);
    if (!present || h.targetCount == 0) return Optional.empty();
    List<TargetLine> lines = new ArrayList<>();
    for (RawTarget t : DmIoctl.decodeTargets(r.buffer(), h.dataStart, h.targetCount)) {
      lines.add(new TargetLine(t.start(), t.length(), TargetParams.parse(t.type(), t.text())));
    }
    return Optional.of(new Table(lines));
  }

  @Override
  public List<TargetStatus> status(DmName name) throws IOException {
    Result r = call(Command.DM_TABLE_STATUS, name.value(), 0);
    List<TargetStatus> out = new ArrayList<>();
    for (RawTarget t :
        DmIoctl.decodeTargets(r.buffer(), r.header().dataStart, r.header().targetCount)) {
      out.add(new TargetStatus(t.start(), t.length(), t.type(), t.text()));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    control.close();
  }

  private Result call(Command command, String name, int flags) throws DeviceMapperException {
    return control.ioctl(command, name, null, flags, 0, NO_DATA);
  }

  private static DeviceInfo info(Header h, DmName asked) {
    return new DeviceInfo(
        h.name.isEmpty() ? asked : DmName.of(h.name),
        h.uuid.isEmpty() ? Optional.empty() : Optional.of(DmUuid.of(h.uuid)),
        DeviceNumber.fromKernel(h.dev),
        h.openCount,
        h.has(DmIoctl.SUSPEND_FLAG),
        h.has(DmIoctl.ACTIVE_PRESENT_FLAG),
        h.has(DmIoctl.INACTIVE_PRESENT_FLAG),
        h.has(DmIoctl.READONLY_FLAG),
        Integer.toUnsignedLong(h.eventNr),
        h.targetCount);
  }
}
