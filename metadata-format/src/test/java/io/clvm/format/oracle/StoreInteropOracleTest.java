package io.clvm.format.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.alloc.LvOperations;
import io.clvm.format.alloc.SizeSpec;
import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.MetadataPrinter;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.VgRead;
import io.clvm.testing.RequiresLvm2;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * clvm and lvm2 taking turns on the same VG on loop devices: clvm allocates with its allocator,
 * prints with its printer and commits with the store; lvm2 checks ({@code vgck}), reports and goes
 * on changing the VG; clvm reads lvm2's changes back. The model must agree with lvm2's own view
 * ({@code vgcfgbackup}) after every step.
 */
@RequiresLvm2
class StoreInteropOracleTest {
  private static final String VG = "vgi-clvmtest";

  @Test
  void clvmAndLvm2TakeTurns() throws Exception {
    try (Lvm2Sandbox box = Lvm2Sandbox.create(64, 48, 80)) {
      List<String> devs = box.devices();
      for (String d : devs) {
        assertTrue(box.lvm("pvcreate", d).ok());
      }
      List<String> vgcreate = new ArrayList<>(List.of("vgcreate", VG));
      vgcreate.addAll(devs);
      assertTrue(box.lvm(vgcreate.toArray(String[]::new)).ok());

      // clvm: lvcreate a striped and a linear LV, commit
      VolumeGroup vg = clvmRead(devs);
      vg =
          LvOperations.create(
                  vg,
                  LvOperations.CreateRequest.linear("s", SizeSpec.parseSize("24M"))
                      .withStripes(3, 0))
              .vg();
      vg =
          LvOperations.create(vg, LvOperations.CreateRequest.linear("lin", SizeSpec.extents(5)))
              .vg();
      clvmCommit(devs, vg.withNextSeqno(), "lvcreate");
      lvm2Agrees(box, vg.withNextSeqno());

      // lvm2 changes it; clvm reads lvm2's text
      assertTrue(box.lvmLine("lvextend -L +8M " + VG + "/lin").ok());
      assertTrue(box.lvmLine("lvcreate -an -Zn -n byLvm2 -l 3 " + VG).ok());
      VolumeGroup afterLvm2 = clvmRead(devs);
      assertEquals(lvm2View(box), afterLvm2);
      assertEquals(vg.seqno() + 3, afterLvm2.seqno());

      // clvm again: extend, rename, remove, tag
      VolumeGroup next =
          LvOperations.extend(afterLvm2, "byLvm2", SizeSpec.parseSize("+4M"), 0, 0, List.of(), null)
              .vg();
      next = LvOperations.rename(next, "s", "striped");
      next = LvOperations.remove(next, "lin");
      next = next.withLv(next.requireLv("striped").withTags(List.of("owner=clvm"))).withNextSeqno();
      clvmCommit(devs, next, "lvextend");
      lvm2Agrees(box, next);
      assertTrue(box.lvmLine("lvremove -f " + VG + "/striped").ok());
      assertEquals(lvm2View(box), clvmRead(devs));
    }
  }

  private static List<DiskDevice> open(List<String> devs, boolean writable) throws Exception {
    List<DiskDevice> out = new ArrayList<>();
    for (String d : devs) {
      out.add(
          writable ? FileDevice.openReadWrite(Path.of(d)) : FileDevice.openReadOnly(Path.of(d)));
    }
    return out;
  }

  private static void close(List<DiskDevice> devices) throws Exception {
    for (DiskDevice d : devices) {
      d.close();
    }
  }

  private static VolumeGroup clvmRead(List<String> devs) throws Exception {
    List<DiskDevice> devices = open(devs, false);
    try {
      VgRead r = MetadataStore.read(devices, VG);
      assertTrue(r.consistent(), r.problems().toString());
      byte[] t = r.text();
      return MetadataText.parse(t, 0, t.length, null, -1).vg();
    } finally {
      close(devices);
    }
  }

  private static void clvmCommit(List<String> devs, VolumeGroup vg, String command)
      throws Exception {
    String text =
        MetadataPrinter.onDisk()
            .print(
                new VgMetadata(vg, MetadataHeader.now("Write from clvm " + command + ".", null)));
    List<DiskDevice> devices = open(devs, true);
    try {
      MetadataStore.commit(devices, vg.name(), vg.seqno(), text.getBytes(StandardCharsets.UTF_8));
    } finally {
      close(devices);
    }
  }

  private static VolumeGroup lvm2View(Lvm2Sandbox box) throws Exception {
    return MetadataText.parse(box.backup(VG)).vg();
  }

  /** vgck is clean, and lvm2's view of the VG is the model clvm wrote. */
  private static void lvm2Agrees(Lvm2Sandbox box, VolumeGroup expected) throws Exception {
    Lvm2Sandbox.Run ck = box.lvm("vgck", VG);
    assertTrue(ck.ok(), ck.output());
    String warnings =
        ck.output()
            .replace(
                "WARNING: Activation disabled. No device-mapper interaction will be attempted.",
                "");
    assertFalse(warnings.contains("WARNING"), ck.output());
    assertFalse(warnings.toLowerCase(java.util.Locale.ROOT).contains("error"), ck.output());
    VolumeGroup seen = lvm2View(box);
    assertEquals(expected, seen);
    for (LogicalVolume lv : expected.lvs()) {
      Lvm2Sandbox.Run lvs =
          box.lvm("lvs", "--noheadings", "-o", "lv_name,seg_count", VG + "/" + lv.name());
      assertTrue(lvs.ok(), lvs.output());
    }
  }
}
