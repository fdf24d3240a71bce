package io.clvm.format.store;

import java.nio.charset.StandardCharsets;

/**
 * One committed metadata text found in a metadata area.
 *
 * @param device the device it was read from
 * @param pvUuid the PV's raw 32-character UUID
 * @param mdaIndex 0 for the area at the start of the device, 1 for the one at the end
 * @param mdaStart absolute byte offset of the area's header
 * @param textOffset absolute byte offset of the text's first byte
 * @param size bytes on disk, terminating NUL included
 * @param checksum the text CRC (stored and verified)
 * @param vgName the name of the first top-level section
 * @param vgId the VG's {@code id}, dashed, or empty when missing
 * @param seqno the VG's {@code seqno}
 * @param pvIds raw UUIDs of the PVs the text lists, in text order
 * @param text the text without its NUL (not copied: do not modify)
 * @param tree the text parsed (lvm2's config tree, as read by the scan), or null when not kept; the
 *     model imports it ({@code MetadataText.parse(..., tree)}) instead of parsing the text again
 */
public record MetadataCopy(
    String device,
    String pvUuid,
    int mdaIndex,
    long mdaStart,
    long textOffset,
    long size,
    long checksum,
    String vgName,
    String vgId,
    long seqno,
    java.util.List<String> pvIds,
    byte[] text,
    io.clvm.format.text.ConfigSection tree) {

  /** A copy whose parsed tree is not kept. */
  public MetadataCopy(
      String device,
      String pvUuid,
      int mdaIndex,
      long mdaStart,
      long textOffset,
      long size,
      long checksum,
      String vgName,
      String vgId,
      long seqno,
      java.util.List<String> pvIds,
      byte[] text) {
    this(
        device,
        pvUuid,
        mdaIndex,
        mdaStart,
        textOffset,
        size,
        checksum,
        vgName,
        vgId,
        seqno,
        pvIds,
        text,
        null);
  }

  /** The text as a string. */
  public String textString() {
    return new String(text, StandardCharsets.UTF_8);
  }

  /** lvm2's name for the area in messages: mda1, mda2. */
  public String mdaName() {
    return "mda" + (mdaIndex + 1);
  }

  /** Same seqno and same bytes: the copies lvm2 would treat as one. */
  public boolean sameContent(MetadataCopy o) {
    return seqno == o.seqno
        && size == o.size
        && checksum == o.checksum
        && java.util.Arrays.equals(text, o.text);
  }

  @Override
  public String toString() {
    return "MetadataCopy["
        + device
        + " "
        + mdaName()
        + " at "
        + textOffset
        + " vg "
        + vgName
        + " seqno "
        + seqno
        + " size "
        + size
        + String.format(" crc 0x%08x]", checksum);
  }
}
