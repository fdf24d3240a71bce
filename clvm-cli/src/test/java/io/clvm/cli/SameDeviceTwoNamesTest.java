package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One block device under two names, as a multipath map is {@code /dev/dm-0} to the scan and {@code
 * /dev/mapper/mpatha} to the admin (found by the iSCSI walk-through: {@code vgcreate vg
 * /dev/mapper/mpatha} reported the PV as its own duplicate and refused the VG). Here a loop device
 * and a symbolic link to it.
 */
@RequiresLvm2
class SameDeviceTwoNamesTest extends LiveLvm2Test {
  @Override
  int loopCount() {
    return 1;
  }

  @Override
  long loopSize() {
    return 16L << 20;
  }

  @Test
  void aDeviceNamedByAnotherPathIsNotItsOwnDuplicate() throws Exception {
    Path loop = loops.get(0).device();
    Path alias = tmp.resolve("mpatha-clvmtest");
    Files.createSymbolicLink(alias, loop);
    Result pv = clvm("pvcreate", alias.toString());
    assertEquals(0, pv.status(), pv.err());
    Result vg = clvm("vgcreate", "twonames-clvmtest", alias.toString());
    assertEquals(0, vg.status(), vg.err());
    assertFalse(vg.err().contains("several devices"), vg.err());
    Result vgs = clvm("vgs", "--noheadings", "-o", "vg_name,pv_count");
    assertEquals(0, vgs.status(), vgs.err());
    assertTrue(vgs.out().contains("twonames-clvmtest"), vgs.out());
    assertTrue(lvm2.run("vgck", "twonames-clvmtest").ok());
  }
}
