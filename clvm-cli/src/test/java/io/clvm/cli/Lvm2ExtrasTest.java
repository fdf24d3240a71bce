package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** lvs -a, pvck --dump, pvchange --metadataignore, pvcreate --uuid: clvm against live lvm2. */
@RequiresLvm2
class Lvm2ExtrasTest extends LiveLvm2Test {
  @Override
  int loopCount() {
    return 2;
  }

  @Override
  long loopSize() {
    return 32L << 20;
  }

  private String same(String... args) {
    Lvm2Oracle.Result expected = lvm2.run(args);
    Result actual = clvm(args);
    assertEquals(expected.exitCode(), actual.status(), expected + " / " + actual.err());
    assertEquals(expected.stdout(), actual.out(), String.join(" ", args));
    return actual.out();
  }

  private String dev(int i) {
    return loops.get(i).device().toString();
  }

  @Test
  void lvsAllListsHiddenLvsInBrackets() throws Exception {
    lvm2.run("pvcreate", dev(0), dev(1)).requireOk();
    lvm2.run("vgcreate", "vgh-clvmtest", dev(0), dev(1)).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "shown", "-L", "4M", "vgh-clvmtest").requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "hid", "-L", "8M", "vgh-clvmtest").requireOk();
    Path backup = tmp.resolve("vgh.vg");
    lvm2.run("vgcfgbackup", "-f", backup.toString(), "vgh-clvmtest").requireOk();
    String text = Files.readString(backup);
    int at = text.indexOf("hid {");
    int status = text.indexOf("status = [\"READ\", \"WRITE\", \"VISIBLE\"]", at);
    assertTrue(at > 0 && status > at, text);
    text =
        text.substring(0, status)
            + "status = [\"READ\", \"WRITE\"]"
            + text.substring(status + "status = [\"READ\", \"WRITE\", \"VISIBLE\"]".length());
    Files.writeString(backup, text);
    lvm2.run("vgcfgrestore", "-f", backup.toString(), "vgh-clvmtest").requireOk();

    same("lvs");
    assertTrue(same("lvs", "-a").contains("[hid]"));
    same("lvs", "-a", "-o", "lv_name,lv_size,lv_attr", "--units", "b");
    same("lvs", "-a", "--segments");
    same("lvs", "vgh-clvmtest/hid");
  }

  /** vgrename writes the new name in place; lvm2 reads it, checks it and renames it back. */
  @Test
  void vgrenameAsLvm2() throws Exception {
    assertEquals(0, clvm("pvcreate", dev(0), dev(1)).status());
    assertEquals(0, clvm("vgcreate", "vgn-clvmtest", dev(0), dev(1)).status());
    assertEquals(0, clvm("lvcreate", "-an", "-Zn", "-n", "l", "-L", "4M", "vgn-clvmtest").status());
    Result r = clvm("vgrename", "vgn-clvmtest", "vgm-clvmtest");
    assertEquals(0, r.status(), r.err());
    assertEquals(
        "  Volume group \"vgn-clvmtest\" successfully renamed to \"vgm-clvmtest\"\n", r.out());
    assertTrue(same("vgs", "-o", "vg_name,vg_seqno,lv_count").contains("vgm-clvmtest"));
    lvm2.run("vgck", "vgm-clvmtest").requireOk();
    lvm2.run("vgrename", "vgm-clvmtest", "vgn-clvmtest").requireOk();
    assertTrue(same("lvs", "-o", "vg_name,lv_name").contains("vgn-clvmtest"));
  }

  /** lvm2's -f is --file for these two commands, not --force. */
  @Test
  void vgcfgbackupAndRestoreTakeTheShortFileOptionAsLvm2() throws Exception {
    assertEquals(0, clvm("pvcreate", dev(0)).status());
    assertEquals(0, clvm("vgcreate", "vgf-clvmtest", dev(0)).status());
    assertEquals(
        0, clvm("lvcreate", "-an", "-Zn", "-n", "keep", "-L", "4M", "vgf-clvmtest").status());
    Path backup = tmp.resolve("vgf.vg");
    Result b = clvm("vgcfgbackup", "-f", backup.toString(), "vgf-clvmtest");
    assertEquals(0, b.status(), b.err());
    assertTrue(Files.readString(backup).contains("keep {"));
    assertEquals(0, clvm("lvremove", "-y", "vgf-clvmtest/keep").status());
    Result r = clvm("vgcfgrestore", "-f" + backup, "vgf-clvmtest");
    assertEquals(0, r.status(), r.err());
    assertTrue(same("lvs", "-o", "lv_name,lv_size").contains("keep"));
  }

  @Test
  void pvckDumpsHeadersAndMetadataAsLvm2() throws Exception {
    assertEquals(0, clvm("pvcreate", dev(0), dev(1)).status());
    assertEquals(0, clvm("vgcreate", "vgd-clvmtest", dev(0), dev(1)).status());
    assertEquals(0, clvm("lvcreate", "-an", "-Zn", "-n", "l", "-L", "4M", "vgd-clvmtest").status());
    for (int i = 0; i < 2; i++) {
      assertTrue(same("pvck", "--dump", "headers", dev(i)).contains("pv_header.pv_uuid"));
      assertTrue(same("pvck", "--dump", "metadata", dev(i)).contains("vgd-clvmtest {"));
    }
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "m", "-L", "4M", "vgd-clvmtest").requireOk();
    same("pvck", "--dump", "headers", dev(0));
    assertTrue(same("pvck", "--dump", "metadata", dev(0)).contains("seqno 3"));
    // Every version still in the circular buffer, written by clvm and by lvm2 in turn.
    for (int i = 0; i < 4; i++) {
      assertEquals(
          0, clvm("lvcreate", "-an", "-Zn", "-n", "c" + i, "-L", "4M", "vgd-clvmtest").status());
      lvm2.run("lvcreate", "-an", "-Zn", "-n", "d" + i, "-L", "4M", "vgd-clvmtest").requireOk();
    }
    for (int i = 0; i < 2; i++) {
      String all = same("pvck", "--dump", "metadata_all", dev(i));
      assertTrue(all.contains(" seqno 1 ") && all.contains(" seqno 11 "), all);
      assertEquals(11, all.lines().count(), all);
      String search = same("pvck", "--dump", "metadata_search", dev(i));
      assertTrue(search.startsWith("  Searching for metadata at offset 4096 size "), search);
    }
  }

  @Test
  void pvchangeMetadataIgnoreAsLvm2() throws Exception {
    String[] report = {
      "pvs", "-o", "pv_name,vg_name,pv_mda_count,pv_mda_used_count,vg_mda_used_count,vg_seqno"
    };
    assertEquals(0, clvm("pvcreate", dev(0), dev(1)).status());
    assertEquals(0, clvm("vgcreate", "vgm-clvmtest", dev(0), dev(1)).status());
    Result r = clvm("pvchange", "--metadataignore", "y", dev(0));
    assertEquals(0, r.status(), r.err());
    Lvm2Oracle.Result vgck = lvm2.run("vgck", "vgm-clvmtest");
    assertTrue(vgck.ok(), vgck.toString());
    assertTrue(same(report).contains("0"));
    Result last = clvm("pvchange", "--metadataignore", "y", dev(1));
    Lvm2Oracle.Result lvm2Last = lvm2.run("pvchange", "--metadataignore", "y", dev(1));
    assertEquals(lvm2Last.exitCode(), last.status(), lvm2Last + " / " + last.err());
    assertTrue(lvm2Last.stderr().endsWith(last.err()), lvm2Last + " / " + last.err());
    assertEquals(lvm2Last.stdout(), last.out());
    same(report);
    r = clvm("pvchange", "--metadataignore", "n", dev(0));
    assertEquals(0, r.status(), r.err());
    vgck = lvm2.run("vgck", "vgm-clvmtest");
    assertTrue(vgck.ok(), vgck.toString());
    same(report);
    lvm2.run("pvchange", "--metadataignore", "y", dev(1)).requireOk();
    same(report);
    assertEquals(0, clvm("pvchange", "--metadataignore", "n", dev(1)).status());
    same(report);
  }

  @Test
  void pvcreateWithUuidAndRestorefileAsLvm2() throws Exception {
    lvm2.run("pvcreate", dev(0)).requireOk();
    lvm2.run("vgcreate", "vgr-clvmtest", dev(0)).requireOk();
    Path backup = tmp.resolve("vgr.vg");
    lvm2.run("vgcfgbackup", "-f", backup.toString(), "vgr-clvmtest").requireOk();
    String uuid = lvm2.run("pvs", "--noheadings", "-o", "pv_uuid", dev(0)).stdout().trim();
    lvm2.run("vgremove", "-f", "vgr-clvmtest").requireOk();
    lvm2.run("pvremove", dev(0)).requireOk();
    Result r = clvm("pvcreate", "-u", uuid, "--restorefile", backup.toString(), dev(0));
    assertEquals(0, r.status(), r.err());
    lvm2.run("vgcfgrestore", "-f", backup.toString(), "vgr-clvmtest").requireOk();
    assertTrue(same("pvs", "-o", "pv_name,pv_uuid,pe_start,pv_size,vg_name").contains(uuid));
    Result missing =
        clvm(
            "pvcreate",
            "-u",
            "AAAAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAAAA",
            "--restorefile",
            backup.toString(),
            dev(1));
    assertEquals(5, missing.status(), missing.err());
  }

  @Test
  void pvchangeUuidAsLvm2() throws Exception {
    assertEquals(0, clvm("pvcreate", dev(0), dev(1)).status());
    assertEquals(0, clvm("vgcreate", "vgu-clvmtest", dev(0), dev(1)).status());
    assertEquals(
        0,
        clvm("lvcreate", "-an", "-Zn", "-i", "2", "-n", "s", "-L", "8M", "vgu-clvmtest").status());
    assertEquals(0, clvm("lvcreate", "-an", "-Zn", "-n", "l", "-L", "4M", "vgu-clvmtest").status());
    String devices = same("lvs", "-o", "lv_name,devices,seg_pe_ranges");
    String before = clvm("pvs", "--noheadings", "-o", "pv_uuid", dev(0)).out().strip();
    Result r = clvm("pvchange", "-u", dev(0));
    assertEquals(0, r.status(), r.err());
    assertEquals(
        "  Physical volume \""
            + dev(0)
            + "\" changed\n"
            + "  1 physical volume changed / 0 physical volumes not changed\n",
        r.out());
    String after = clvm("pvs", "--noheadings", "-o", "pv_uuid", dev(0)).out().strip();
    assertTrue(!after.equals(before) && after.length() == 38, before + " -> " + after);
    // lvm2 finds the PV under its new UUID, in the label and in the metadata (seqno + 1).
    Lvm2Oracle.Result vgck = lvm2.run("vgck", "vgu-clvmtest");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    assertEquals(after, lvm2.run("pvs", "--noheadings", "-o", "pv_uuid", dev(0)).stdout().strip());
    assertEquals(devices, same("lvs", "-o", "lv_name,devices,seg_pe_ranges"));
    same("vgs", "-o", "vg_name,vg_seqno,pv_count,lv_count");
    // And lvm2's pvchange -u read back by clvm.
    lvm2.run("pvchange", "-u", dev(1)).requireOk();
    same("pvs", "-o", "pv_name,pv_uuid,vg_name,pv_used");
    // Orphans: the label only.
    assertEquals(0, clvm("vgremove", "-f", "vgu-clvmtest").status());
    Lvm2Oracle.Result byLvm2 = lvm2.run("pvchange", "-u", dev(1));
    Result byClvm = clvm("pvchange", "-u", dev(0));
    assertEquals(byLvm2.exitCode(), byClvm.status(), byLvm2 + " / " + byClvm);
    assertEquals(byLvm2.stdout().replace(dev(1), dev(0)), byClvm.out());
    same("pvs", "-o", "pv_name,pv_uuid,vg_name");
  }
}
