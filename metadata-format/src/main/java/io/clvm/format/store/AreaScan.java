package io.clvm.format.store;

import io.clvm.format.disk.DiskLocn;
import io.clvm.format.disk.MdaHeader;
import java.util.Optional;

/**
 * What a scan found in one metadata area.
 *
 * @param index 0 or 1
 * @param locn the area as listed in the PV header
 * @param header the decoded header, empty when it is bad (the problem is in the PV's scan)
 * @param copy the committed text, empty when the area is ignored, empty, or its text is bad
 */
public record AreaScan(
    int index, DiskLocn locn, Optional<MdaHeader> header, Optional<MetadataCopy> copy) {

  /** The header is good and the area is not ignored: it takes part in reads and commits. */
  public boolean inUse() {
    return header.isPresent() && !header.get().ignored();
  }
}
