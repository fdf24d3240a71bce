package io.clvm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vgremove in cluster mode: refused while another node uses the VG; otherwise the cluster forgets
 * the VG (copy of record, activations) before the metadata areas are wiped, so that its name and
 * PVs can be used again — a VG left in ZooKeeper by a removal made the name unusable ("the VG on
 * the disks is not the one the cluster manages").
 */
class ClusterVgRemoveTest {
  @TempDir Path dir;

  @Test
  void vgremoveIsRefusedWhileInUseElsewhereThenForgottenByTheCluster() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir, 64L << 20)) {
      String pv = cluster.pvs().get(0).toString();
      cluster.ok(1, "pvcreate", pv);
      cluster.ok(1, "vgcreate", "--shared", "vgr", pv);
      cluster.ok(1, "lvcreate", "-an", "-l", "2", "-n", "data", "vgr");
      cluster.ok(2, "lvchange", "-asy", "vgr/data");

      ThreeNodeCluster.Result refused = cluster.run(1, "vgremove", "-y", "vgr");
      assertEquals(5, refused.exit(), refused.toString());
      assertTrue(refused.err().contains("data is active on node(s) node2"), refused.toString());
      assertTrue(cluster.ok(3, "vgs", "--noheadings", "-o", "vg_name").out().contains("vgr"));

      cluster.ok(2, "lvchange", "-an", "vgr/data");
      cluster.ok(1, "lvchange", "-aey", "vgr/data"); // this node's own LVs are deactivated
      ThreeNodeCluster.Result removed = cluster.ok(1, "vgremove", "-y", "vgr");
      assertTrue(
          removed.out().contains("Volume group \"vgr\" successfully removed"), removed.out());
      assertFalse(cluster.ok(3, "vgs", "--noheadings", "-o", "vg_name").out().contains("vgr"));
      String status = cluster.ok(2, "cluster", "status", "--reportformat", "json").out();
      assertFalse(status.contains("\"vgr\""), status);

      // the name and the PV serve again, managed afresh
      cluster.ok(3, "vgcreate", "--shared", "vgr", pv);
      cluster.ok(2, "lvcreate", "-an", "-l", "1", "-n", "again", "vgr");
      assertTrue(
          cluster.ok(1, "lvs", "--noheadings", "-o", "lv_name", "vgr").out().contains("again"));
    }
  }
}
