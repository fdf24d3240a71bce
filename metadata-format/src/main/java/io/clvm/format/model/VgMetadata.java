package io.clvm.format.model;

import java.util.Objects;

/** One metadata text: the VG and the header lines describing the write. */
public record VgMetadata(VolumeGroup vg, MetadataHeader header) {
  public VgMetadata {
    Objects.requireNonNull(vg, "vg");
    Objects.requireNonNull(header, "header");
  }
}
