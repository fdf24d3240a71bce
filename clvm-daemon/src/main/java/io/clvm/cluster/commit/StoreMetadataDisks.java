package io.clvm.cluster.commit;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.store.MetadataCopy;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PreparedCommit;
import io.clvm.format.store.PvScan;
import io.clvm.format.store.VgRead;
import io.clvm.format.store.VgReader;
import io.clvm.format.text.ConfigParser;
import io.clvm.format.text.ConfigSection;
import io.clvm.format.text.ConfigValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * {@link MetadataDisks} over fmt-disk's {@link MetadataStore}: lvm2's two-step commit (precommit
 * into slot 1 of every metadata area header, then commit into slot 0), split at the commit point.
 * The devices come from the engine's device scan (with its filter); the PVs a text lists are picked
 * from them by PV UUID, because the store requires exactly those.
 */
public final class StoreMetadataDisks implements MetadataDisks {
  /** The candidate devices (opened read-write), re-asked on every call: PVs come and go. */
  @FunctionalInterface
  public interface DeviceSource {
    List<? extends DiskDevice> devices() throws IOException;
  }

  private final DeviceSource source;
  private final Map<String, PreparedCommit> pending = new ConcurrentHashMap<>();

  public StoreMetadataDisks(DeviceSource source) {
    this.source = source;
  }

  /**
   * The lowest seqno among the VG's metadata areas, with that copy's text: areas that disagree
   * after a crash in the middle of a disk commit make the VG count as behind.
   */
  @Override
  public Optional<CommittedVg> readCommitted(String vgUuid) throws IOException {
    VgRead read;
    try {
      read = VgReader.readByUuid(vgUuid, MetadataStore.scan(source.devices()));
    } catch (MetadataException e) {
      if (e.kind() == MetadataException.Kind.MISSING) {
        return Optional.empty();
      }
      throw e;
    }
    List<MetadataCopy> all = new ArrayList<>(read.copies());
    all.addAll(read.stale());
    MetadataCopy oldest =
        all.stream().min(Comparator.comparingLong(MetadataCopy::seqno)).orElse(read.current());
    return Optional.of(new CommittedVg(vgUuid, oldest.seqno(), oldest.textString()));
  }

  @Override
  public List<MdaState> precommit(String vgUuid, long seqno, String text) throws IOException {
    ConfigSection vg =
        ConfigParser.parse(text)
            .firstSection()
            .orElseThrow(
                () -> new IOException("metadata text of VG " + vgUuid + " has no VG section"));
    Set<String> pvIds = pvIds(vg);
    List<DiskDevice> devices = new ArrayList<>();
    for (PvScan scan : MetadataStore.scan(source.devices())) {
      if (scan.pvUuid().map(u -> pvIds.contains(u.replace("-", ""))).orElse(false)) {
        devices.add(scan.device());
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    PreparedCommit prepared = MetadataStore.precommit(devices, vg.key(), seqno, bytes);
    PreparedCommit earlier = pending.put(vgUuid, prepared);
    if (earlier != null) {
      earlier.revert(); // an aborted attempt's slot 1; ours replaced it already
    }
    return prepared.copies().stream()
        .map(c -> new MdaState(c.pvUuid(), c.mdaStart(), c.textOffset(), c.size(), c.checksum()))
        .toList();
  }

  @Override
  public void commit(String vgUuid, long seqno, List<MdaState> slots) throws IOException {
    PreparedCommit prepared = pending.remove(vgUuid);
    if (prepared == null || prepared.copies().stream().anyMatch(c -> c.seqno() != seqno)) {
      throw new IllegalStateException(
          "commit of VG " + vgUuid + " seqno " + seqno + " without its precommit");
    }
    prepared.commit();
  }

  private static Set<String> pvIds(ConfigSection vg) {
    return vg.section("physical_volumes").map(ConfigSection::sections).orElse(List.of()).stream()
        .map(pv -> pv.value("id"))
        .flatMap(Optional::stream)
        .filter(v -> v instanceof ConfigValue.Str)
        .map(v -> ((ConfigValue.Str) v).value().replace("-", ""))
        .collect(Collectors.toSet());
  }
}
