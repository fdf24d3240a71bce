package io.clvm.format.store;

import io.clvm.format.disk.DiskDevice;
import java.io.IOException;
import java.util.List;

/**
 * Entry point of the store: read a VG's metadata text from its PVs and commit new text to them.
 * Text in, text out; the model layer prints and parses it.
 */
public final class MetadataStore {
  private MetadataStore() {}

  /** Scans devices: labels, areas, copies and problems. Never writes. */
  public static List<PvScan> scan(List<? extends DiskDevice> devices) throws IOException {
    return new DeviceScanner().scan(devices);
  }

  /** {@link #scan(List)}, taking texts parsed before from {@code parsed} (null: none). */
  public static List<PvScan> scan(List<? extends DiskDevice> devices, ParsedTexts parsed)
      throws IOException {
    return new DeviceScanner(parsed).scan(devices);
  }

  /** Reads a VG from the devices. Never writes. */
  public static VgRead read(List<? extends DiskDevice> devices, String vgName) throws IOException {
    return VgReader.read(vgName, scan(devices));
  }

  /** Reads a VG by UUID from the devices. Never writes. */
  public static VgRead readByUuid(List<? extends DiskDevice> devices, String vgUuid)
      throws IOException {
    return VgReader.readByUuid(vgUuid, scan(devices));
  }

  /** See {@link MetadataCommitter#precommit}. */
  public static PreparedCommit precommit(
      List<? extends DiskDevice> devices, String vgName, long seqno, byte[] text)
      throws IOException {
    return MetadataCommitter.precommit(devices, vgName, seqno, text);
  }

  /**
   * {@link #precommit(List, String, long, byte[])}, taking parsed texts from (and adding the new
   * one to) {@code parsed} (null: none): the scans after the commit then find it parsed.
   */
  public static PreparedCommit precommit(
      List<? extends DiskDevice> devices,
      String vgName,
      long seqno,
      byte[] text,
      ParsedTexts parsed)
      throws IOException {
    return MetadataCommitter.precommit(devices, vgName, seqno, text, parsed);
  }

  /** See {@link MetadataCommitter#commit}. */
  public static List<MetadataCopy> commit(
      List<? extends DiskDevice> devices, String vgName, long seqno, byte[] text)
      throws IOException {
    return MetadataCommitter.commit(devices, vgName, seqno, text);
  }

  /** {@link #commit(List, String, long, byte[])} with {@code parsed} texts (null: none). */
  public static List<MetadataCopy> commit(
      List<? extends DiskDevice> devices,
      String vgName,
      long seqno,
      byte[] text,
      ParsedTexts parsed)
      throws IOException {
    return MetadataCommitter.commit(devices, vgName, seqno, text, parsed);
  }
}
