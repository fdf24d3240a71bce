package io.clvm.daemon.backend;

import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DeviceNodes;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.InMemoryDeviceMapper;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.dm.Sectors;
import io.clvm.dm.lvm.LvActivation;
import io.clvm.dm.lvm.LvDevice;
import io.clvm.dm.lvm.PvDevices;
import io.clvm.dm.table.ErrorTarget;
import io.clvm.dm.table.Table;
import io.clvm.engine.Devices;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's device-mapper tables: the kernel's when {@code /dev/mapper/control} opens, else an
 * in-memory device-mapper that records the tables without loading them (said plainly in the log).
 * Every dm name and UUID carries this node's prefix ({@code activation.name_prefix}), so that
 * several nodes can share one kernel (the demo, the kernel tests).
 */
public final class NodeTables {
  private static final Logger LOG = LoggerFactory.getLogger(NodeTables.class);

  /** Major number of the made-up devices that stand for regular-file PVs in memory mode. */
  static final int FILE_PV_MAJOR = 240;

  private final DeviceMapper dm;
  private final boolean kernel;
  private final String prefix;
  private final LvActivation activation;
  private final Supplier<List<String>> devices;
  private final Map<String, DeviceNumber> fileNumbers = new HashMap<>();
  private final Map<String, Table> fencedTables = new HashMap<>();

  NodeTables(DeviceMapper dm, boolean kernel, String prefix, Supplier<List<String>> devices) {
    this.dm = dm;
    this.kernel = kernel;
    this.prefix = prefix;
    this.devices = devices;
    this.activation = new LvActivation(dm, kernel ? DeviceNodes.AUTO : DeviceNodes.NONE, prefix);
  }

  /**
   * Opens this node's device-mapper: {@code mode} {@code kernel} (fail without one), {@code
   * memory}, or {@code auto} (the kernel when it has device-mapper, else memory).
   */
  static NodeTables open(String mode, String prefix, Supplier<List<String>> devices)
      throws IOException {
    if (!mode.equals("memory")) {
      try {
        KernelDeviceMapper k = KernelDeviceMapper.open();
        LOG.info("device-mapper: kernel {} (dm name prefix '{}')", k.version(), prefix);
        return new NodeTables(k, true, prefix, devices);
      } catch (IOException | RuntimeException | LinkageError e) {
        if (mode.equals("kernel")) {
          throw new IOException("device-mapper not available: " + e.getMessage(), e);
        }
        LOG.warn(
            "device-mapper not available: tables are recorded, not loaded ({})", e.getMessage());
      }
    } else {
      LOG.warn(
          "device-mapper not used (activation.device_mapper = memory): tables are recorded,"
              + " not loaded");
    }
    return new NodeTables(new InMemoryDeviceMapper(), false, prefix, devices);
  }

  /** True when tables go into the kernel. */
  public boolean kernel() {
    return kernel;
  }

  public String prefix() {
    return prefix;
  }

  public DeviceMapper deviceMapper() {
    return dm;
  }

  /** Where each PV is: block devices by their number; regular files get a made-up one in memory. */
  synchronized PvDevices pvDevices() throws IOException {
    return PvDevices.of(pvNumbers());
  }

  /** {@link #pvDevices()} as a map (status: what this node maps each PV to). */
  synchronized Map<LvmUuid, DeviceNumber> pvNumbers() throws IOException {
    Map<LvmUuid, DeviceNumber> map = new HashMap<>();
    List<FileDevice> open = new ArrayList<>();
    try {
      for (String d : devices.get()) {
        try {
          open.add(FileDevice.openReadOnly(Path.of(d)));
        } catch (IOException e) {
          // not there on this node
        }
      }
      for (PvScan s : MetadataStore.scan(open)) {
        if (s.pvUuid().isEmpty()) {
          continue;
        }
        String name = s.device().name();
        long[] mm = Devices.majorMinor(name);
        DeviceNumber number;
        if (mm != null) {
          number = new DeviceNumber((int) mm[0], (int) mm[1]);
        } else if (kernel) {
          continue; // a regular file cannot be mapped by the kernel: the table load names it
        } else {
          number =
              fileNumbers.computeIfAbsent(
                  name, n -> new DeviceNumber(FILE_PV_MAJOR, fileNumbers.size()));
          ((InMemoryDeviceMapper) dm).addBlockDevice(number, Sectors.ofBytes(s.device().size()));
        }
        map.put(LvmUuid.parse(s.pvUuid().get()), number);
      }
    } finally {
      for (FileDevice f : open) {
        try {
          f.close();
        } catch (IOException e) {
          // read-only
        }
      }
    }
    return map;
  }

  /**
   * Every device this node's device-mapper has (this node's prefix or not), by dm name: its dm UUID
   * (empty if none) and live table as {@code dmsetup table} prints it (empty if none). The
   * fault-injection suite compares them with the committed metadata.
   */
  public synchronized Map<String, String[]> devices() throws IOException {
    Map<String, String[]> out = new java.util.TreeMap<>();
    for (DeviceEntry e : dm.listDevices()) {
      String table =
          dm.table(e.name(), DeviceMapper.TableSlot.LIVE).map(Table::toString).orElse("");
      out.put(e.name().value(), new String[] {e.uuid().map(DmUuid::value).orElse(""), table});
    }
    return out;
  }

  /**
   * The devices of this node's device-mapper that are this node's LVs: dm name with this node's
   * prefix and an LVM dm UUID ({@code <prefix>LVM-<vg uuid><lv uuid>}, no layer suffix), in name
   * order. Other devices (another node's prefix in a shared kernel, not LVM's, an LV's layer) are
   * not listed: nothing at start may touch them.
   */
  public synchronized List<LvDeviceHere> lvDevices() throws IOException {
    List<LvDeviceHere> out = new ArrayList<>();
    String uuidStart = prefix + "LVM-";
    for (DeviceEntry e : dm.listDevices()) {
      if (!e.name().value().startsWith(prefix)) {
        continue;
      }
      // Kernels before driver 4.45 list no UUIDs: ask the device itself.
      Optional<DmUuid> uuid =
          e.uuid().isPresent() ? e.uuid() : dm.info(e.name()).flatMap(DeviceInfo::uuid);
      if (uuid.isEmpty() || !uuid.get().value().startsWith(uuidStart)) {
        continue;
      }
      String ids = uuid.get().value().substring(uuidStart.length());
      if (ids.length() != 2 * LvmUuid.LENGTH) {
        continue; // a layer (-real, -cow, ...): clvm makes none
      }
      try {
        out.add(
            new LvDeviceHere(
                e.name(),
                LvmUuid.parse(ids.substring(0, LvmUuid.LENGTH)).dashed(),
                LvmUuid.parse(ids.substring(LvmUuid.LENGTH)).dashed()));
      } catch (RuntimeException notUuids) {
        // LVM- followed by something else: not one of ours
      }
    }
    return out;
  }

  /** One LV device of this node ({@link #lvDevices}): its dm name and VG and LV UUIDs (dashed). */
  public record LvDeviceHere(DmName name, String vgUuid, String lvUuid) {}

  /**
   * Fences the device {@code name} by its dm name (one whose VG or LV the metadata may no longer
   * name): its live table is replaced by an {@code error} target of the same size, suspending
   * without flush. False when it has no live table (nothing maps through it).
   */
  public synchronized boolean fenceDevice(DmName name) throws IOException {
    if (dm.table(name, DeviceMapper.TableSlot.LIVE).isEmpty()) {
      return false;
    }
    new DeviceMapperOperations(dm).errorOut(name);
    return true;
  }

  /**
   * Resumes {@code name} if it is suspended, dropping an inactive table first: a clvmd killed
   * between the suspend and the resume of a reload leaves the device holding every I/O, with the
   * table it was loading waiting inactive. True if it was suspended.
   */
  public synchronized boolean resumeIfSuspended(DmName name) throws IOException {
    Optional<DeviceInfo> info = dm.info(name);
    if (info.isEmpty() || !info.get().suspended()) {
      return false;
    }
    if (info.get().inactiveTable()) {
      dm.clearInactiveTable(name);
    }
    dm.resume(name);
    return true;
  }

  /** Creates or reloads (online) the table of {@code lv}. */
  public synchronized LvActivation.Outcome activate(
      io.clvm.format.model.VolumeGroup vg, LogicalVolume lv) throws IOException {
    LvDevice d = activation.device(vg, lv, pvDevices());
    if (fencedTables.containsKey(key(vg.name(), lv.name()))) {
      fencedTables.put(key(vg.name(), lv.name()), d.table()); // restored by unfence
      return LvActivation.Outcome.UNCHANGED;
    }
    return activation.activate(d);
  }

  /**
   * Forgets the fence of {@code vg/lv} (without reloading): this node owns it afresh, so the next
   * {@link #activate} loads its real table instead of keeping the {@code error} target.
   */
  public synchronized void clearFence(String vg, String lv) {
    fencedTables.remove(key(vg, lv));
  }

  public synchronized boolean deactivate(String vg, String lv) throws IOException {
    fencedTables.remove(key(vg, lv));
    return activation.deactivate(vg, lv);
  }

  public synchronized boolean isActive(String vg, String lv) {
    try {
      return dm.info(activation.dmName(vg, lv)).isPresent();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The live table of {@code vg/lv} here, if active. */
  public synchronized Optional<Table> liveTable(String vg, String lv) throws IOException {
    return activation.liveTable(vg, lv);
  }

  /** The dm name of {@code vg/lv} on this node. */
  public DmName dmName(String vg, String lv) {
    return activation.dmName(vg, lv);
  }

  /** Replaces the live table with an {@code error} target of the same size (fencing). */
  public synchronized void fence(String vg, String lv) throws IOException {
    Optional<Table> live = activation.liveTable(vg, lv);
    if (live.isEmpty()) {
      return;
    }
    fencedTables.putIfAbsent(key(vg, lv), live.get());
    new DeviceMapperOperations(dm)
        .reload(
            activation.dmName(vg, lv),
            Table.single(live.get().size(), new ErrorTarget()),
            DeviceMapper.SuspendMode.NOFLUSH);
  }

  /** Loads back the table that {@link #fence} replaced (or the latest committed one). */
  public synchronized void unfence(String vg, String lv) throws IOException {
    Table t = fencedTables.remove(key(vg, lv));
    if (t != null) {
      new DeviceMapperOperations(dm)
          .reload(activation.dmName(vg, lv), t, DeviceMapper.SuspendMode.FLUSH);
    }
  }

  private static String key(String vg, String lv) {
    return vg + "/" + lv;
  }
}
