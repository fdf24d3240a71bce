package io.clvm.format.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.disk.FileDevice;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.fixtures.Lvm2Fixtures.Pv;
import io.clvm.format.model.ClusterMarking;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.VgRead;
import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The on-disk marking of a cluster-managed VG, against the real lvm2: a host with plain lvm2 can
 * still read the VG with {@code --shared} but refuses to change it, and clvm reads the marking
 * back. Unmarking gives lvm2 the VG back.
 */
@RequiresLvm2
class ClusterMarkingOracleTest {

  @Test
  void lvm2ReadsAClvmVgButRefusesToChangeIt() throws Exception {
    Pv pv = Lvm2Fixtures.pv("a_pv0");
    Path img = pv.writeImage(Files.createTempFile("clvm-marking-", "-clvmtest.img"));
    try (TestLoopDevice loop = TestLoopDevice.attach(img, pv.logicalBlockSize());
        Lvm2Oracle lvm2 = Lvm2Oracle.forDevices(loop.device())) {
      commit(loop, vg -> ClusterMarking.mark(vg, "democluster"));

      Lvm2Oracle.Result plain = lvm2.run("vgs", "vga");
      assertEquals(5, plain.exitCode(), plain.toString());
      assertTrue(
          plain.stderr().contains("Cannot access VG vga with lock type dlm that requires lvmlockd"),
          plain.toString());

      Lvm2Oracle.Result shared =
          lvm2.run("vgs", "--shared", "--noheadings", "-o", "vg_attr", "vga");
      assertTrue(shared.ok(), shared.toString());
      assertEquals("wz--ns", shared.stdout().strip(), "lvm2 sees a shared VG");
      Lvm2Oracle.Result lvs = lvm2.run("lvs", "--shared", "--noheadings", "-o", "lv_name", "vga");
      assertEquals(List.of("lv1", "lv2"), lvs.stdout().strip().lines().map(String::strip).toList());

      Lvm2Oracle.Result create =
          lvm2.run("lvcreate", "-an", "-Zn", "-n", "sneaky", "-L", "4m", "vga");
      assertEquals(5, create.exitCode(), "plain lvm2 must not change a clvm VG: " + create);
      Lvm2Oracle.Result remove = lvm2.run("lvremove", "-f", "vga/lv1");
      assertEquals(5, remove.exitCode(), remove.toString());

      VolumeGroup back = read(loop);
      assertEquals("democluster", ClusterMarking.clusterOf(back).orElseThrow());
      assertTrue(back.writable(), "clvm reads WRITE_LOCKED as WRITE");
      assertEquals(2, back.lvs().size(), "nothing was changed behind the cluster's back");

      commit(loop, ClusterMarking::unmark);
      assertTrue(ClusterMarking.clusterOf(read(loop)).isEmpty());
      Lvm2Oracle.Result again =
          lvm2.run("lvcreate", "-an", "-Zn", "-n", "after", "-L", "4m", "vga");
      assertTrue(again.ok(), "an unmarked VG is lvm2's again: " + again);
      assertTrue(lvm2.run("vgck", "vga").ok());
    }
  }

  @Test
  void anLvmlockdVgIsNotMistakenForClvms() throws Exception {
    VolumeGroup vg =
        MetadataText.parse(Lvm2Fixtures.pv("a_pv0").pvckMetadataText()).vg().toBuilder()
            .lockType("dlm")
            .lockArgs("1.0.0:corosync1")
            .build();
    assertFalse(ClusterMarking.clusterOf(vg).isPresent());
    assertTrue(vg.writeLocked());
  }

  private static VolumeGroup read(TestLoopDevice loop) throws Exception {
    try (FileDevice dev = FileDevice.openReadOnly(loop.device())) {
      VgRead read = MetadataStore.read(List.of(dev), "vga");
      return MetadataText.parse(new String(read.text(), StandardCharsets.UTF_8)).vg();
    }
  }

  private static void commit(
      TestLoopDevice loop, java.util.function.UnaryOperator<VolumeGroup> change) throws Exception {
    try (FileDevice dev = FileDevice.openReadWrite(loop.device())) {
      VgRead read = MetadataStore.read(List.of(dev), "vga");
      VgMetadata old = MetadataText.parse(new String(read.text(), StandardCharsets.UTF_8));
      VolumeGroup next = change.apply(old.vg()).withSeqno(read.seqno() + 1);
      String text = MetadataText.printOnDisk(new VgMetadata(next, old.header()));
      MetadataStore.commit(
          List.of(dev), "vga", next.seqno(), text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
