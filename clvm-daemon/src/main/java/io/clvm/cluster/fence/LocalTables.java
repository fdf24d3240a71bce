package io.clvm.cluster.fence;

import java.io.IOException;

/**
 * This node's device-mapper tables, as fencing needs them. The daemon implements it over
 * dm-bridge's DeviceMapper (load an {@code error} table of the same length, suspend, resume; and
 * back to the committed table); tests use an in-memory fake.
 */
public interface LocalTables {
  /** Replaces the live table of {@code vg/lv} with an error target: every I/O to it fails. */
  void fence(String vgUuid, String lvUuid) throws IOException;

  /** Loads the table the committed metadata gives {@code vg/lv} again. */
  void unfence(String vgUuid, String lvUuid) throws IOException;
}
