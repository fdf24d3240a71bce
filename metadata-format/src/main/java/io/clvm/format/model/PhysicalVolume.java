package io.clvm.format.model;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A PV as the VG metadata describes it ({@code physical_volumes/pvN}). Sizes are in 512-byte
 * sectors, as in the metadata; extents in units of the VG's {@code extent_size}.
 *
 * <p>The {@code pvN} key is not stored: lvm2 renumbers it on every write from the PV's position in
 * the VG ({@link VolumeGroup#pvKey}); segments refer to PVs by UUID.
 *
 * @param id the PV UUID (the PV's real identity; also in its label)
 * @param device device path at the time of writing, a hint only; {@code null} when not known
 * @param flags status and compatible words ({@code ALLOCATABLE}, {@code EXPORTED}, {@code MISSING})
 * @param unknownFlags words of the {@code flags} list this version does not know, kept
 * @param tags PV tags
 * @param devSize device size in sectors (0 = not recorded)
 * @param peStart first extent, in sectors
 * @param peCount number of extents
 * @param baStart bootloader area start in sectors, 0 if none
 * @param baSize bootloader area size in sectors, 0 if none
 * @param deviceIdType {@code device_id_type} (lvm2's devices file), or {@code null}
 * @param deviceId {@code device_id}, or {@code null}
 * @param extra unknown keys of the PV section, kept
 */
public record PhysicalVolume(
    LvmUuid id,
    String device,
    Set<PvFlag> flags,
    List<String> unknownFlags,
    List<String> tags,
    long devSize,
    long peStart,
    long peCount,
    long baStart,
    long baSize,
    String deviceIdType,
    String deviceId,
    List<RawEntry> extra) {

  public PhysicalVolume {
    Objects.requireNonNull(id, "id");
    flags = Immutables.enumSet(PvFlag.class, flags);
    unknownFlags = Immutables.list(unknownFlags);
    tags = Immutables.list(tags);
    extra = Immutables.list(extra);
    if (devSize < 0 || peStart < 0 || peCount < 0 || baStart < 0 || baSize < 0) {
      throw new IllegalArgumentException("negative size in PV " + id);
    }
  }

  /** A new allocatable PV as vgcreate/vgextend add it. */
  public static PhysicalVolume of(
      LvmUuid id, String device, long devSize, long peStart, long peCount) {
    return new PhysicalVolume(
        id,
        device,
        Set.of(PvFlag.ALLOCATABLE),
        List.of(),
        List.of(),
        devSize,
        peStart,
        peCount,
        0,
        0,
        null,
        null,
        List.of());
  }

  public boolean allocatable() {
    return flags.contains(PvFlag.ALLOCATABLE);
  }

  public boolean missing() {
    return flags.contains(PvFlag.MISSING);
  }

  public PhysicalVolume withDevice(String newDevice) {
    return new PhysicalVolume(
        id,
        newDevice,
        flags,
        unknownFlags,
        tags,
        devSize,
        peStart,
        peCount,
        baStart,
        baSize,
        deviceIdType,
        deviceId,
        extra);
  }

  public PhysicalVolume withFlags(Set<PvFlag> newFlags) {
    return new PhysicalVolume(
        id,
        device,
        newFlags,
        unknownFlags,
        tags,
        devSize,
        peStart,
        peCount,
        baStart,
        baSize,
        deviceIdType,
        deviceId,
        extra);
  }

  public PhysicalVolume withTags(List<String> newTags) {
    newTags.forEach(Names::requireTag);
    return new PhysicalVolume(
        id,
        device,
        flags,
        unknownFlags,
        newTags,
        devSize,
        peStart,
        peCount,
        baStart,
        baSize,
        deviceIdType,
        deviceId,
        extra);
  }

  /** After pvresize: new device size and extent count. */
  public PhysicalVolume withSize(long newDevSize, long newPeCount) {
    return new PhysicalVolume(
        id,
        device,
        flags,
        unknownFlags,
        tags,
        newDevSize,
        peStart,
        newPeCount,
        baStart,
        baSize,
        deviceIdType,
        deviceId,
        extra);
  }

  public PhysicalVolume withBootloaderArea(long newBaStart, long newBaSize) {
    return new PhysicalVolume(
        id,
        device,
        flags,
        unknownFlags,
        tags,
        devSize,
        peStart,
        peCount,
        newBaStart,
        newBaSize,
        deviceIdType,
        deviceId,
        extra);
  }

  public PhysicalVolume withDeviceId(String type, String value) {
    return new PhysicalVolume(
        id,
        device,
        flags,
        unknownFlags,
        tags,
        devSize,
        peStart,
        peCount,
        baStart,
        baSize,
        type,
        value,
        extra);
  }

  public PhysicalVolume withExtra(List<RawEntry> newExtra, List<String> newUnknownFlags) {
    return new PhysicalVolume(
        id,
        device,
        flags,
        newUnknownFlags,
        tags,
        devSize,
        peStart,
        peCount,
        baStart,
        baSize,
        deviceIdType,
        deviceId,
        newExtra);
  }
}
