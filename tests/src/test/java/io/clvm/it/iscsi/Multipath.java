package io.clvm.it.iscsi;

import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.Sectors;
import io.clvm.dm.TargetStatus;
import io.clvm.dm.table.OtherTarget;
import io.clvm.dm.table.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * dm-multipath maps over the paths of each LUN, made directly through clvm's device-mapper bridge
 * rather than by multipathd (see docs/iscsi.md for why): one map per LUN, named {@code
 * mpathN-clvmtest}, with the dm uuid multipath-tools gives ({@code mpath-<wwid>}, which is what
 * clvm's multipath component detection looks for), one round-robin path group holding every path,
 * and no {@code queue_if_no_path}: when every path is gone, I/O fails at once rather than hanging
 * (multipathd's {@code no_path_retry = fail}).
 *
 * <p>multipathd's other job, reinstating a path once it works again, is {@link #reinstateAll}: the
 * same table loaded again, whose paths start out active.
 */
final class Multipath implements AutoCloseable {
  static final String SUFFIX = "-clvmtest";

  /** One map. */
  record Map1(DmName name, IscsiLab.Lun lun, Path node, Table table) {}

  private final DeviceMapper dm;
  private final DeviceMapperOperations ops;
  private final List<Map1> maps = new ArrayList<>();

  Multipath(DeviceMapper dm) {
    this.dm = dm;
    this.ops = new DeviceMapperOperations(dm);
  }

  /** The table of a map over {@code lun}'s paths. */
  static Table table(IscsiLab.Lun lun, long sectors) {
    StringBuilder p = new StringBuilder();
    p.append("0 0 1 1 round-robin 0 ").append(lun.paths().size()).append(" 1");
    for (IscsiLab.Path1 path : lun.paths()) {
      p.append(' ').append(path.number()).append(" 1000");
    }
    return Table.single(Sectors.of(sectors), new OtherTarget("multipath", p.toString()));
  }

  /** The wwid as multipath-tools writes it (scsi_id's form: NAA type 3 then the hex digits). */
  static String mpathWwid(String sysfsWwid) {
    return sysfsWwid.startsWith("naa.") ? "3" + sysfsWwid.substring(4) : sysfsWwid;
  }

  /** Creates the map of {@code lun} and its {@code /dev/mapper} node. */
  Map1 create(IscsiLab.Lun lun) throws IOException {
    long sectors =
        Long.parseLong(
            Files.readString(Path.of("/sys/block", lun.paths().get(0).name(), "size")).strip());
    DmName name = DmName.of("mpath" + lun.number() + SUFFIX);
    Table t = table(lun, sectors);
    DeviceInfo info =
        ops.createActive(name, Optional.of(DmUuid.of("mpath-" + mpathWwid(lun.wwid()))), t);
    Path node = Path.of("/dev/dm-" + info.device().minor());
    Map1 m = new Map1(name, lun, node, t);
    maps.add(m);
    return m;
  }

  List<Map1> maps() {
    return List.copyOf(maps);
  }

  /** The path states of a map: one letter per path, 'A' active or 'F' failed, in table order. */
  String pathStates(Map1 m) throws IOException {
    List<TargetStatus> st = dm.status(m.name());
    StringBuilder b = new StringBuilder();
    String[] w = st.get(0).status().trim().split("\\s+");
    for (int i = 0; i < w.length; i++) {
      if (w[i].matches("\\d+:\\d+") && i + 1 < w.length && w[i + 1].matches("[AF]")) {
        b.append(w[i + 1]);
      }
    }
    return b.toString();
  }

  /** multipathd's path checker, once: every map's table reloaded with every path active. */
  void reinstateAll() throws IOException {
    for (Map1 m : maps) {
      ops.reload(m.name(), m.table(), DeviceMapper.SuspendMode.NOFLUSH);
    }
  }

  /**
   * Reloads every map over the paths {@code luns} have now (after a re-login the SCSI disks come
   * back under new names and numbers), every path active: what multipathd does on a path event.
   */
  void refresh(List<IscsiLab.Lun> luns) throws IOException {
    for (int i = 0; i < maps.size(); i++) {
      Map1 m = maps.get(i);
      for (IscsiLab.Lun lun : luns) {
        if (lun.wwid().equals(m.lun().wwid())) {
          Table t = table(lun, m.table().size().count());
          ops.reload(m.name(), t, DeviceMapper.SuspendMode.NOFLUSH);
          maps.set(i, new Map1(m.name(), lun, m.node(), t));
        }
      }
    }
  }

  /** Removes every {@code mpath*-clvmtest} map (also ones left by an earlier failed run). */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (DeviceEntry e : dm.listDevices()) {
      String n = e.name().value();
      if (n.startsWith("mpath") && n.endsWith(SUFFIX)) {
        try {
          ops.removeIfPresent(e.name());
        } catch (IOException ex) {
          if (first == null) first = ex;
        }
      }
    }
    maps.clear();
    if (first != null) throw first;
  }
}
