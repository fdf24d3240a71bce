package io.clvm.daemon.backend;

import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.MdaState;
import io.clvm.cluster.commit.MetadataDisks;
import io.clvm.cluster.metrics.ClusterMetrics;
import io.clvm.engine.EngineException;
import io.clvm.engine.MetadataCapacity;
import io.clvm.format.MetadataException;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.MetadataBuffer;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.MetadataCopy;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.ParsedTexts;
import io.clvm.format.store.PreparedCommit;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit protocol's view of the shared disks, over fmt-disk's store: every call scans the
 * candidate devices afresh (another node may have written since), precommit writes the text into
 * free space of every metadata area of the VG's PVs and keeps the {@link PreparedCommit}, commit
 * points the headers at it.
 */
final class DiskMetadata implements MetadataDisks {
  private static final Logger LOG = LoggerFactory.getLogger(DiskMetadata.class);

  private final Supplier<List<String>> devices;
  private final ParsedTexts parsed;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile ClusterMetrics metrics = ClusterMetrics.disabled();

  private record Pending(
      long seqno, PreparedCommit prepared, List<FileDevice> open, Optional<String> capacity) {}

  DiskMetadata(Supplier<List<String>> devices) {
    this(devices, null);
  }

  /**
   * @param parsed the daemon's parsed texts (null: none): the roll-forward checks and the
   *     precommit's scan read the disks every time, but do not parse a text read before
   */
  DiskMetadata(Supplier<List<String>> devices, ParsedTexts parsed) {
    this.devices = devices;
    this.parsed = parsed;
  }

  /** Where the metadata areas' usage is reported (clvm_metadata_area_*_bytes). */
  void metrics(ClusterMetrics m) {
    this.metrics = m;
  }

  private List<FileDevice> open(boolean writable) throws IOException {
    List<FileDevice> out = new ArrayList<>();
    for (String d : devices.get()) {
      try {
        out.add(
            writable ? FileDevice.openReadWrite(Path.of(d)) : FileDevice.openReadOnly(Path.of(d)));
      } catch (IOException e) {
        // a device that cannot be opened is not one of ours here; the VG reports it missing
      }
    }
    return out;
  }

  private static void close(List<FileDevice> devs) {
    for (FileDevice d : devs) {
      try {
        d.close();
      } catch (IOException e) {
        // read-only or already flushed
      }
    }
  }

  @Override
  public Optional<CommittedVg> readCommitted(String vgUuid) throws IOException {
    List<FileDevice> devs = open(false);
    try {
      String raw = vgUuid.replace("-", "");
      List<MetadataCopy> copies = new ArrayList<>();
      for (PvScan s : scanNamingFailures(devs)) {
        s.areas()
            .forEach(
                a ->
                    a.copy()
                        .filter(c -> c.vgId().replace("-", "").equals(raw))
                        .ifPresent(copies::add));
      }
      if (copies.isEmpty()) {
        return Optional.empty();
      }
      // Areas that disagree (a crash inside a disk commit): the lowest seqno, so that the VG
      // counts as behind and is rolled forward.
      MetadataCopy low = copies.get(0);
      for (MetadataCopy c : copies) {
        if (c.seqno() < low.seqno()) {
          low = c;
        }
      }
      return Optional.of(new CommittedVg(vgUuid, low.seqno(), low.textString()));
    } finally {
      close(devs);
    }
  }

  /**
   * Scans each device on its own, so that one that cannot be read (a LUN whose storage server is
   * gone) fails the read with its name ("Error reading device /dev/dm-0: Input/output error")
   * rather than a bare "Input/output error". Unlike the engine's scan it does not skip the device:
   * the roll-forward check must see every copy.
   */
  private List<PvScan> scanNamingFailures(List<FileDevice> devs) throws IOException {
    List<PvScan> out = new ArrayList<>();
    for (FileDevice d : devs) {
      try {
        out.addAll(MetadataStore.scan(List.of(d), parsed));
      } catch (MetadataException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException("Error reading device " + d.name() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  @Override
  public List<MdaState> precommit(String vgUuid, long seqno, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // The VG's name and PVs only: the lexer's tree, kept for the checks and scans that follow,
    // not a whole model import.
    ParsedTexts.Summary vg = (parsed == null ? new ParsedTexts(1, 0) : parsed).summary(bytes);
    Set<String> pvIds = new HashSet<>(vg.pvIds());
    List<FileDevice> all = open(true);
    List<FileDevice> mine = new ArrayList<>();
    List<FileDevice> others = new ArrayList<>();
    List<PvScan> mineScans = new ArrayList<>();
    for (PvScan s : MetadataStore.scan(all, parsed)) {
      FileDevice d = (FileDevice) s.device();
      boolean ofVg = s.pvUuid().map(pvIds::contains).orElse(false);
      (ofVg ? mine : others).add(d);
      if (ofVg) {
        mineScans.add(s);
      }
    }
    close(others);
    if (mine.size() < pvIds.size()) {
      close(mine);
      throw new ClusterStateException(
          "VG " + vg.vgName() + ": only " + mine.size() + " of its " + pvIds.size() + " PVs found");
    }
    long textBytes = bytes.length;
    ClusterMetrics m = metrics;
    for (PvScan s : mineScans) {
      for (AreaScan a : s.areas()) {
        if (a.inUse()) {
          long capacity = MetadataBuffer.maxTextSize(a.header().get().size());
          m.metadataArea(vg.vgName(), s.device().name(), a.index(), capacity, textBytes + 1);
        }
      }
    }
    Optional<String> capacity;
    try {
      // Refused before the first byte is written; the 80 % warning goes to the daemon's log here
      // and, through the commit's result (capacityWarning), to the admin's terminal.
      capacity = MetadataCapacity.check(vg.vgName(), mineScans, textBytes);
      capacity.ifPresent(w -> LOG.warn("metadata capacity vg={}: {}", vg.vgName(), w));
    } catch (EngineException e) {
      close(mine);
      throw new ClusterStateException(e.getMessage());
    }
    PreparedCommit prepared;
    try {
      prepared = MetadataStore.precommit(mine, vg.vgName(), seqno, bytes, parsed);
    } catch (IOException | RuntimeException e) {
      close(mine);
      throw e;
    }
    Pending old = pending.put(vgUuid, new Pending(seqno, prepared, mine, capacity));
    if (old != null) {
      close(old.open());
    }
    List<MdaState> slots = new ArrayList<>();
    for (MetadataCopy c : prepared.copies()) {
      slots.add(new MdaState(c.pvUuid(), c.mdaStart(), c.textOffset(), c.size(), c.checksum()));
    }
    return slots;
  }

  @Override
  public Optional<String> capacityWarning(String vgUuid, long seqno) {
    Pending p = pending.get(vgUuid);
    return p == null || p.seqno() != seqno ? Optional.empty() : p.capacity();
  }

  @Override
  public void commit(String vgUuid, long seqno, List<MdaState> slots) throws IOException {
    Pending p = pending.remove(vgUuid);
    if (p == null || p.seqno() != seqno) {
      if (p != null) {
        close(p.open());
      }
      throw new ClusterStateException(
          "VG " + vgUuid + ": no precommitted text at seqno " + seqno + " on this node");
    }
    try {
      p.prepared().commit();
    } finally {
      close(p.open());
    }
  }
}
