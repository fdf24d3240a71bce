package io.clvm.daemon.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.commit.ClusterStateException;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.MdaState;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import io.clvm.format.store.MetadataStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol's disk seam over fmt-disk's store, on a PV image written by real lvm2. */
class DiskMetadataTest {
  private static final String SCENARIO = "a_single_pv_two_linear";
  @TempDir Path tmp;
  private final List<String> images = new ArrayList<>();

  @BeforeEach
  void writeImages() throws Exception {
    for (String name : Lvm2Fixtures.SCENARIOS.get(SCENARIO)) {
      Pv pv = new Pv(SCENARIO, name);
      assertEquals(512, pv.logicalBlockSize());
      images.add(pv.writeImage(tmp.resolve(name + ".img")).toString());
    }
  }

  private String vgUuid() throws Exception {
    List<DiskDevice> devs = new ArrayList<>();
    try {
      for (String i : images) {
        devs.add(FileDevice.openReadOnly(Path.of(i)));
      }
      return MetadataStore.read(devs, "vga").current().vgId();
    } finally {
      for (DiskDevice d : devs) {
        d.close();
      }
    }
  }

  @Test
  void precommitIsInvisibleUntilCommit() throws Exception {
    List<String> candidates = new ArrayList<>(images);
    candidates.add(tmp.resolve("not-there.img").toString()); // skipped, not an error
    DiskMetadata disks = new DiskMetadata(() -> candidates);
    String vgUuid = vgUuid();
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
    assertThrows(ClusterStateException.class, () -> disks.commit(vgUuid, 5, slots));
  }

  @Test
  void aPrecommitWithoutAllItsPvsFails() throws Exception {
    String vgUuid = vgUuid();
    String text = new DiskMetadata(() -> images).readCommitted(vgUuid).orElseThrow().text();
    DiskMetadata none = new DiskMetadata(List::of);
    assertThrows(
        ClusterStateException.class,
        () -> none.precommit(vgUuid, 4, text.replace("seqno = 3", "seqno = 4")));
  }
}
