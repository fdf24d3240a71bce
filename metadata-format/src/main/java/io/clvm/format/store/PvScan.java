package io.clvm.format.store;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.Label;
import java.util.List;
import java.util.Optional;

/**
 * What a scan found on one device: its label (empty: not a PV), its metadata areas and every
 * problem met on the way. A scan never writes.
 */
public record PvScan(
    DiskDevice device,
    Optional<Label> label,
    List<AreaScan> areas,
    List<MetadataException> problems) {

  public PvScan {
    areas = List.copyOf(areas);
    problems = List.copyOf(problems);
  }

  /** The PV's raw UUID, if the device has a label. */
  public Optional<String> pvUuid() {
    return label.map(l -> l.pvHeader().uuid());
  }
}
