package io.clvm.engine;

import io.clvm.engine.config.EngineConfig;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new version of a VG as lvm2 does: the old version archived first ({@code
 * archive_dir/<vg>_<NNNNN>-<random>.vg}), then the text committed to every metadata area of the
 * VG's PVs with the next seqno, then the new version backed up ({@code backup_dir/<vg>}).
 */
final class MetadataWriter {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataWriter.class);

  private final EngineConfig config;
  private final Console console;
  private final String commandLine;
  private final ParsedVgs parsed;

  /**
   * @param parsed the parsed texts the command's scans use: the text committed is kept there with
   *     its model, so the commit's check and the scans after it do not parse it
   */
  MetadataWriter(EngineConfig config, Console console, String commandLine, ParsedVgs parsed) {
    this.config = config;
    this.console = console;
    this.commandLine = commandLine;
    this.parsed = parsed;
  }

  /**
   * Commits {@code vg} as the successor of {@code old} (null for a new VG), on the devices of
   * {@code scan}; returns the VG as written (with its new seqno).
   */
  VolumeGroup commit(Scan scan, VgState old, VolumeGroup vg) throws EngineException {
    return write(scan, old, old == null ? vg.withSeqno(1) : vg.withSeqno(old.vg().seqno() + 1));
  }

  /**
   * Commits {@code next} with the seqno it carries (vgrename and vgcfgrestore choose it: above
   * every seqno the VG had, never reused).
   */
  VolumeGroup write(Scan scan, VgState old, VolumeGroup next) throws EngineException {
    List<DiskDevice> devices = new ArrayList<>();
    List<PvScan> scans = new ArrayList<>();
    for (PhysicalVolume pv : next.pvs()) {
      PvScan s = scanOf(scan, old, pv);
      if (s == null) {
        throw new EngineException(
            "Cannot update volume group "
                + next.name()
                + ": PV "
                + pv.id().dashed()
                + " is missing.");
      }
      devices.add(s.device());
      scans.add(s);
    }
    byte[] bytes = onDiskText(next);
    // Refused before the archive and before the first byte on disk; warned about when nearly full.
    MetadataCapacity.check(next.name(), scans, bytes.length).ifPresent(console::warn);
    if (old != null) {
      archive(old.metadata());
    }
    long start = System.nanoTime();
    try {
      MetadataStore.commit(devices, next.name(), next.seqno(), bytes, parsed.texts());
      // DEBUG: the CLI shares this logger configuration, and its stderr stays lvm2's.
      LOG.debug(
          "metadata commit vg={} seqno={} mode=local command=\"{}\" bytes={} duration_ms={}",
          next.name(),
          next.seqno(),
          commandLine,
          bytes.length,
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      throw new EngineException(
          "Failed to write metadata of volume group " + next.name() + ": " + e.getMessage(), e);
    }
    backup(next);
    return next;
  }

  /** The text a metadata area holds for {@code vg}, with the header this command writes. */
  private byte[] onDiskText(VolumeGroup vg) {
    MetadataHeader header =
        MetadataHeader.now("Write from " + commandLine + ".", config.systemId());
    return parsed.printOnDisk(new VgMetadata(vg, header)).getBytes(StandardCharsets.UTF_8);
  }

  private static PvScan scanOf(Scan scan, VgState old, PhysicalVolume pv) {
    if (old != null && old.scan(pv) != null) {
      return old.scan(pv);
    }
    for (PvScan s : scan.scans()) {
      if (s.pvUuid().map(u -> u.equals(pv.id().raw())).orElse(false)) {
        return s;
      }
    }
    return null;
  }

  /** Writes {@code backup_dir/<vg>} (lvm2: "Created *after* executing '...'"). */
  void backup(VolumeGroup vg) {
    if (!config.backupEnabled()) {
      return;
    }
    MetadataHeader h =
        MetadataHeader.now("Created *after* executing '" + commandLine + "'", config.systemId());
    try {
      writeFile(config.backupDir(), vg.name(), MetadataText.printBackup(new VgMetadata(vg, h)));
    } catch (IOException e) {
      console.warn("This metadata update is NOT backed up (" + e.getMessage() + ").");
    }
  }

  /** Writes the version being replaced to the archive (lvm2: "Created *before* ..."). */
  void archive(VgMetadata old) {
    if (!config.archiveEnabled()) {
      return;
    }
    MetadataHeader h =
        MetadataHeader.now("Created *before* executing '" + commandLine + "'", config.systemId());
    try {
      Path dir = config.archiveDir();
      Files.createDirectories(dir);
      int index = nextArchiveIndex(dir, old.vg().name());
      // The random part only keeps names apart (lvm2 uses a plain random number too): no
      // SecureRandom, whose start-up would cost every command that archives ~30 ms.
      String name =
          String.format(
              "%s_%05d-%d.vg",
              old.vg().name(),
              index,
              java.util.concurrent.ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
      writeFile(dir, name, MetadataText.printBackup(new VgMetadata(old.vg(), h)));
      archived(dir, old.vg().name(), index);
    } catch (IOException e) {
      console.warn("This metadata update is NOT archived (" + e.getMessage() + ").");
    }
  }

  /** The next archive index per directory and VG, with the directory's mtime it is valid for. */
  private static final java.util.Map<String, long[]> ARCHIVE_INDEX = new java.util.HashMap<>();

  /**
   * The next free archive index of {@code vg} in {@code dir}. clvmd archives every commit into the
   * same directory, which grows by one file each time: listing it for every commit made a commit's
   * cost grow with the number of commits before it. The index is kept per directory and VG and
   * trusted while the directory's modification time is the one this process left it with; any other
   * change to the directory (a new file, a removed one) lists it again.
   */
  private static int nextArchiveIndex(Path dir, String vg) throws IOException {
    String key = dir.toAbsolutePath() + "\0" + vg;
    long mtime = Files.getLastModifiedTime(dir).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    synchronized (ARCHIVE_INDEX) {
      long[] kept = ARCHIVE_INDEX.get(key);
      if (kept != null && kept[1] == mtime) {
        return (int) kept[0];
      }
    }
    return listNextArchiveIndex(dir, vg);
  }

  /**
   * Remembers that {@code index} was just written to {@code dir} (see {@link #nextArchiveIndex}).
   */
  private static void archived(Path dir, String vg, int index) throws IOException {
    String key = dir.toAbsolutePath() + "\0" + vg;
    long mtime = Files.getLastModifiedTime(dir).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    synchronized (ARCHIVE_INDEX) {
      ARCHIVE_INDEX.put(key, new long[] {index + 1, mtime});
    }
  }

  private static int listNextArchiveIndex(Path dir, String vg) throws IOException {
    Pattern p = Pattern.compile(Pattern.quote(vg) + "_(\\d{5})-\\d+\\.vg");
    int next = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path f : ds) {
        Matcher m = p.matcher(f.getFileName().toString());
        if (m.matches()) {
          next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
        }
      }
    }
    return next;
  }

  /** Writes through a temporary file and a rename, mode 0600 as lvm2 leaves its backups. */
  static void writeFile(Path dir, String name, String text) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default mode
      }
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
