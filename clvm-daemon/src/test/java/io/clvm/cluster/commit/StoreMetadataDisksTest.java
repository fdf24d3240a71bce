package io.clvm.cluster.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import io.clvm.format.store.MetadataStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol's disk seam over fmt-disk's store, on a PV image written by real lvm2. */
class StoreMetadataDisksTest {
  private static final String SCENARIO = "a_single_pv_two_linear";
  @TempDir Path tmp;
  private final List<DiskDevice> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (DiskDevice d : open) {
      d.close();
    }
  }

  private List<DiskDevice> devices() throws java.io.IOException {
    if (open.isEmpty()) {
      for (String name : Lvm2Fixtures.SCENARIOS.get(SCENARIO)) {
        Pv pv = new Pv(SCENARIO, name);
        open.add(
            FileDevice.open(
                pv.writeImage(tmp.resolve(name + ".img")), true, pv.logicalBlockSize()));
      }
    }
    return open;
  }

  @Test
  void precommitIsInvisibleUntilCommit() throws Exception {
    StoreMetadataDisks disks = new StoreMetadataDisks(this::devices);
    String vgUuid = MetadataStore.read(devices(), "vga").current().vgId();
    CommittedVg before = disks.readCommitted(vgUuid).orElseThrow();
    assertEquals(3, before.seqno());
    assertTrue(disks.readCommitted("nonexistent-uuid").isEmpty());

    String next = before.text().replace("seqno = 3", "seqno = 4").replace("lv2 {", "lv9 {");
    List<MdaState> slots = disks.precommit(vgUuid, 4, next);
    assertEquals(1, slots.size());
    assertTrue(slots.get(0).size() > next.length());
    assertEquals(3, disks.readCommitted(vgUuid).orElseThrow().seqno(), "precommit is not live");

    disks.commit(vgUuid, 4, slots);
    CommittedVg after = disks.readCommitted(vgUuid).orElseThrow();
    assertEquals(4, after.seqno());
    assertEquals(next, after.text());
    assertThrows(IllegalStateException.class, () -> disks.commit(vgUuid, 5, slots));
  }
}
