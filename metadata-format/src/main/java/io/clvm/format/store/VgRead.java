package io.clvm.format.store;

import io.clvm.format.MetadataException;
import java.util.List;

/**
 * The result of reading a VG from its PVs: the copy that wins and what is wrong with the others.
 * Nothing is repaired; the next commit rewrites every in-use area anyway.
 *
 * @param current the copy with the highest seqno (the first scanned among equals)
 * @param copies every good copy of this VG, in scan order
 * @param stale copies with a lower seqno
 * @param mismatched copies with the winning seqno but different text: lvm2 drops them as bad
 * @param pvs scans of the devices whose PV UUID the current text lists, in text order
 * @param missingPvIds raw UUIDs the current text lists that no scanned device carries
 * @param problems stale and mismatched copies, duplicate PVs and format problems on the VG's
 *     devices, as exceptions with full location
 */
public record VgRead(
    MetadataCopy current,
    List<MetadataCopy> copies,
    List<MetadataCopy> stale,
    List<MetadataCopy> mismatched,
    List<PvScan> pvs,
    List<String> missingPvIds,
    List<MetadataException> problems) {

  public VgRead {
    copies = List.copyOf(copies);
    stale = List.copyOf(stale);
    mismatched = List.copyOf(mismatched);
    pvs = List.copyOf(pvs);
    missingPvIds = List.copyOf(missingPvIds);
    problems = List.copyOf(problems);
  }

  public String vgName() {
    return current.vgName();
  }

  public long seqno() {
    return current.seqno();
  }

  /** The committed text of the current copy. */
  public byte[] text() {
    return current.text();
  }

  /** All copies agree and every listed PV was found. */
  public boolean consistent() {
    return problems.isEmpty() && missingPvIds.isEmpty();
  }
}
