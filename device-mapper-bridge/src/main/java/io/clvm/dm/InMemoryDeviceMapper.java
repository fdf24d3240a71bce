package io.clvm.dm;

import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.LinearTarget;
import io.clvm.dm.table.OtherTarget;
import io.clvm.dm.table.StripedTarget;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.TargetLine;
import io.clvm.dm.table.ZeroTarget;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Device-mapper without a kernel, for fast tests of code that drives it (the daemon, the engine):
 * the same state machine and the same refusals as the kernel, with the same errno values. Devices
 * get numbers {@code 253:N}; underlying devices that tables use must be registered with {@link
 * #addBlockDevice} (or be other devices of this instance), and tables that reach past their end are
 * refused, as the kernel refuses them. {@link #open} holds a device open like an application;
 * {@link #failNext} makes the next call of one operation fail, to test rollback paths.
 */
public final class InMemoryDeviceMapper implements DeviceMapper {
  /** The major number device-mapper devices get here (as on most systems). */
  public static final int MAJOR = 253;

  /** The operations {@link #failNext} can fail. */
  public enum Operation {
    CREATE,
    LOAD,
    CLEAR,
    SUSPEND,
    RESUME,
    REMOVE,
    RENAME
  }

  private static final class Device {
    DmName name;
    final Optional<DmUuid> uuid;
    final DeviceNumber number;
    Table live;
    Table inactive;
    boolean suspended;
    int openCount;
    long eventNumber;

    Device(DmName name, Optional<DmUuid> uuid, DeviceNumber number) {
      this.name = name;
      this.uuid = uuid;
      this.number = number;
    }
  }

  private final Map<DmName, Device> devices = new LinkedHashMap<>();
  private final Map<DeviceNumber, Sectors> blockDevices = new HashMap<>();
  private final Map<Operation, Integer> failures = new EnumMap<>(Operation.class);
  private int nextMinor;

  /** Registers an underlying block device (a PV) that tables may map onto. */
  public synchronized void addBlockDevice(DeviceNumber device, Sectors size) {
    blockDevices.put(device, size);
  }

  /** Makes the next {@code operation} fail with {@code errno}, once. */
  public synchronized void failNext(Operation operation, int errno) {
    failures.put(operation, errno);
  }

  /** Opens the device as an application would; the returned handle closes it. */
  public synchronized AutoCloseable open(DmName name) throws DeviceMapperException {
    Device d = find("open", name);
    d.openCount++;
    boolean[] closed = {false};
    return () -> {
      synchronized (this) {
        if (!closed[0]) {
          closed[0] = true;
          d.openCount--;
        }
      }
    };
  }

  /** The size of a device as its users see it: its live table's size, or 0. */
  public synchronized Sectors size(DmName name) throws DeviceMapperException {
    Device d = find("size", name);
    return d.live == null ? Sectors.ZERO : d.live.size();
  }

  @Override
  public DriverVersion version() {
    return new DriverVersion(4, 47, 0);
  }

  @Override
  public synchronized List<DeviceEntry> listDevices() {
    List<DeviceEntry> out = new ArrayList<>();
    for (Device d : devices.values()) out.add(new DeviceEntry(d.name, d.number, d.uuid));
    return out;
  }

  @Override
  public List<TargetVersion> listTargets() {
    return List.of(
        new TargetVersion(StripedTarget.TYPE, new DriverVersion(1, 6, 0)),
        new TargetVersion(LinearTarget.TYPE, new DriverVersion(1, 4, 0)),
        new TargetVersion(ErrorTarget.TYPE, new DriverVersion(1, 6, 0)),
        new TargetVersion(ZeroTarget.TYPE, new DriverVersion(1, 2, 0)));
  }

  @Override
  public synchronized DeviceInfo create(DmName name, Optional<DmUuid> uuid)
      throws DeviceMapperException {
    injected(Operation.CREATE, "DM_DEV_CREATE", name);
    if (devices.containsKey(name)) {
      throw new DeviceMapperException(
          "DM_DEV_CREATE", name.value(), Errno.EBUSY, "a device with this name already exists");
    }
    if (uuid.isPresent() && devices.values().stream().anyMatch(d -> d.uuid.equals(uuid))) {
      throw new DeviceMapperException(
          "DM_DEV_CREATE", name.value(), Errno.EBUSY, "a device with this UUID already exists");
    }
    Device d = new Device(name, uuid, new DeviceNumber(MAJOR, nextMinor++));
    devices.put(name, d);
    return info(d);
  }

  @Override
  public synchronized DeviceInfo loadTable(DmName name, Table table) throws DeviceMapperException {
    injected(Operation.LOAD, "DM_TABLE_LOAD", name);
    Device d = find("DM_TABLE_LOAD", name);
    for (TargetLine line : table.lines()) check(d, line);
    d.inactive = table;
    return info(d);
  }

  @Override
  public synchronized DeviceInfo clearInactiveTable(DmName name) throws DeviceMapperException {
    injected(Operation.CLEAR, "DM_TABLE_CLEAR", name);
    Device d = find("DM_TABLE_CLEAR", name);
    d.inactive = null;
    return info(d);
  }

  @Override
  public synchronized DeviceInfo suspend(DmName name, SuspendMode mode)
      throws DeviceMapperException {
    injected(Operation.SUSPEND, "DM_DEV_SUSPEND", name);
    Device d = find("DM_DEV_SUSPEND", name);
    d.suspended = true;
    return info(d);
  }

  @Override
  public synchronized DeviceInfo resume(DmName name) throws DeviceMapperException {
    injected(Operation.RESUME, "DM_DEV_SUSPEND", name);
    Device d = find("DM_DEV_SUSPEND", name);
    if (d.inactive != null) {
      d.live = d.inactive;
      d.inactive = null;
      d.eventNumber++;
    }
    d.suspended = false;
    return info(d);
  }

  @Override
  public synchronized void remove(DmName name) throws DeviceMapperException {
    injected(Operation.REMOVE, "DM_DEV_REMOVE", name);
    Device d = find("DM_DEV_REMOVE", name);
    if (d.openCount > 0) {
      throw new DeviceMapperException(
          "DM_DEV_REMOVE",
          name.value(),
          Errno.EBUSY,
          "the device is open (in use) and cannot be removed");
    }
    for (Device other : devices.values()) {
      for (Table t : new Table[] {other.live, other.inactive}) {
        if (t != null && t.devices().contains(d.number)) {
          throw new DeviceMapperException(
              "DM_DEV_REMOVE",
              name.value(),
              Errno.EBUSY,
              "the device is used by the table of " + other.name);
        }
      }
    }
    devices.remove(name);
  }

  @Override
  public synchronized DeviceInfo rename(DmName from, DmName to) throws DeviceMapperException {
    injected(Operation.RENAME, "DM_DEV_RENAME", from);
    Device d = find("DM_DEV_RENAME", from);
    if (devices.containsKey(to)) {
      throw new DeviceMapperException(
          "DM_DEV_RENAME", from.value(), Errno.EBUSY, "a device with the new name already exists");
    }
    devices.remove(from);
    d.name = to;
    devices.put(to, d);
    d.eventNumber++;
    return info(d);
  }

  @Override
  public synchronized Optional<DeviceInfo> info(DmName name) {
    Device d = devices.get(name);
    return d == null ? Optional.empty() : Optional.of(info(d));
  }

  @Override
  public synchronized Optional<Table> table(DmName name, TableSlot slot)
      throws DeviceMapperException {
    Device d = find("DM_TABLE_STATUS", name);
    return Optional.ofNullable(slot == TableSlot.LIVE ? d.live : d.inactive);
  }

  @Override
  public synchronized List<TargetStatus> status(DmName name) throws DeviceMapperException {
    Device d = find("DM_TABLE_STATUS", name);
    List<TargetStatus> out = new ArrayList<>();
    if (d.live == null) return out;
    for (TargetLine l : d.live.lines()) {
      String status = "";
      if (l.target() instanceof StripedTarget s) {
        StringBuilder b = new StringBuilder().append(s.stripes().size());
        for (StripedTarget.Stripe st : s.stripes()) b.append(' ').append(st.device());
        b.append(" 1 ").append("A".repeat(s.stripes().size()));
        status = b.toString();
      }
      out.add(new TargetStatus(l.start(), l.length(), l.target().type(), status));
    }
    return out;
  }

  private void check(Device self, TargetLine line) throws DeviceMapperException {
    if (line.target() instanceof OtherTarget o) {
      throw new DeviceMapperException(
          "DM_TABLE_LOAD",
          self.name.value(),
          Errno.EINVAL,
          "unknown target type \""
              + o.type()
              + "\" (the in-memory device-mapper has "
              + "linear, striped, error and zero)");
    }
    if (line.target() instanceof LinearTarget t) {
      checkArea(self, t.device(), t.offset(), line.length());
    } else if (line.target() instanceof StripedTarget t) {
      Sectors each = t.stripeLength(line.length());
      for (StripedTarget.Stripe s : t.stripes()) checkArea(self, s.device(), s.offset(), each);
    }
  }

  private void checkArea(Device self, DeviceNumber device, Sectors offset, Sectors length)
      throws DeviceMapperException {
    Sectors size = blockDevices.get(device);
    if (size == null) {
      for (Device d : devices.values()) {
        if (d.number.equals(device)) {
          if (d == self) {
            throw new DeviceMapperException(
                "DM_TABLE_LOAD", self.name.value(), Errno.EINVAL, "table maps onto itself");
          }
          size = d.live == null ? Sectors.ZERO : d.live.size();
        }
      }
    }
    if (size == null) {
      throw new DeviceMapperException(
          "DM_TABLE_LOAD", self.name.value(), Errno.ENXIO, "no such underlying device " + device);
    }
    if (offset.plus(length).compareTo(size) > 0) {
      throw new DeviceMapperException(
          "DM_TABLE_LOAD",
          self.name.value(),
          Errno.EINVAL,
          "device "
              + device
              + " too small: "
              + size
              + " sectors, the table needs sectors "
              + offset
              + ".."
              + (offset.plus(length).count() - 1));
    }
  }

  private void injected(Operation op, String command, DmName name) throws DeviceMapperException {
    Integer errno = failures.remove(op);
    if (errno != null) {
      throw new DeviceMapperException(command, name.value(), errno, "injected failure");
    }
  }

  private Device find(String command, DmName name) throws DeviceMapperException {
    Device d = devices.get(name);
    if (d == null) {
      throw new DeviceMapperException(command, name.value(), Errno.ENXIO, "no such device");
    }
    return d;
  }

  private static DeviceInfo info(Device d) {
    return new DeviceInfo(
        d.name,
        d.uuid,
        d.number,
        d.openCount,
        d.suspended,
        d.live != null,
        d.inactive != null,
        false,
        d.eventNumber,
        d.live == null ? 0 : d.live.lines().size());
  }
}
