package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * pvresize of PVs with a second metadata area at the end (pvcreate --pvmetadatacopies 2) and
 * without: two twin PVs in two VGs, lvm2 resizes one, clvm the other, the same way; after every
 * step lvm2 reads both and must find the same layout (label, metadata-area list, area headers,
 * dev_size and pe_count in the text, report columns), {@code vgck} and {@code pvck} clean. Then
 * clvm reads what lvm2 resized. PVs of no VG (a pair with two areas) too: only their label changes.
 * Growing, shrinking (also by less than the area's size, where the old and the new area overlap),
 * and lvm2's refusals, with lvm2's messages and exit codes.
 */
@RequiresLvm2
class PvResizeLvm2Test extends LiveLvm2Test {
  private static final long MIB = 1L << 20;
  private static final String LAYOUT =
      "pv_mda_count,pv_mda_size,pe_start,pv_size,dev_size,pv_pe_count,pv_pe_alloc_count,pv_free";

  @Override
  int loopCount() {
    return 6;
  }

  @Override
  long loopSize() {
    return 64 * MIB;
  }

  private String dev(int i) {
    return loops.get(i).device().toString();
  }

  /** Runs {@code args} with lvm2 on device {@code theirs} and with clvm on {@code mine}. */
  private void same(int mine, int theirs, String... args) {
    String[] forLvm2 = substitute(args, dev(theirs));
    Lvm2Oracle.Result expected = lvm2.run(forLvm2);
    Result actual = clvm(substitute(args, dev(mine)));
    String what = String.join(" ", args);
    assertEquals(expected.exitCode(), actual.status(), what + ": " + expected + " / " + actual);
    assertEquals(
        expected.stdout().replace(dev(theirs), "DEV"),
        actual.out().replace(dev(mine), "DEV"),
        what);
    assertEquals(
        expected.errors().replace(dev(theirs), "DEV"),
        actual.err().replace(dev(mine), "DEV"),
        what);
  }

  private static String[] substitute(String[] args, String dev) {
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i].replace("DEV", dev);
    }
    return out;
  }

  /**
   * What lvm2 reads of a PV's layout, without what legitimately differs (names, buffer offsets).
   */
  private String layout(int i, String vg) {
    String d = dev(i);
    StringBuilder b = new StringBuilder();
    b.append(lvm2.report("pvs", "pv", "-o", LAYOUT, d).get(0).toString()).append('\n');
    Lvm2Oracle.Result headers = lvm2.run("pvck", "--dump", "headers", d).requireOk();
    assertFalse(headers.stdout().contains("CHECK"), headers.toString());
    for (String line : headers.stdout().split("\n")) {
      String t = line.trim();
      if (t.startsWith("pv_header.device_size")
          || t.startsWith("pv_header.disk_locn")
          || t.matches("mda_header_\\d\\.(start|size|version|raw_locn\\[0\\]\\.flags).*")
          || t.matches("mda_header_\\d at .*")) {
        b.append(t).append('\n');
      }
    }
    Lvm2Oracle.Result text = lvm2.run("pvck", "--dump", "metadata", d).requireOk();
    b.append(
        text.stdout()
            .lines()
            .filter(l -> l.startsWith("dev_size") || l.startsWith("pe_count"))
            .collect(Collectors.joining("\n")));
    if (vg != null) {
      Lvm2Oracle.Result vgck = lvm2.run("vgck", vg);
      assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
    }
    lvm2.run("pvck", d).requireOk();
    return b.toString();
  }

  private void assertSameLayout() {
    assertEquals(layout(1, "vgb-clvmtest"), layout(0, "vga-clvmtest"), "two areas");
    assertEquals(layout(3, "vgd-clvmtest"), layout(2, "vgc-clvmtest"), "one area");
    assertEquals(layout(5, null), layout(4, null), "no VG");
  }

  /** The twin pairs resized the same way: 0, 2, 4 by clvm like 1, 3, 5 by lvm2. */
  private void resize(String... args) {
    List<String> a = new ArrayList<>(List.of("pvresize"));
    a.addAll(List.of(args));
    a.add("DEV");
    same(0, 1, a.toArray(new String[0]));
    same(2, 3, a.toArray(new String[0]));
    same(4, 5, a.toArray(new String[0]));
  }

  @Test
  void resizesAsLvm2DoesBothWays() {
    lvm2.run("pvcreate", "--pvmetadatacopies", "2", dev(0), dev(1), dev(4), dev(5)).requireOk();
    lvm2.run("pvcreate", dev(2), dev(3)).requireOk();
    String[] vgs = {"vga-clvmtest", "vgb-clvmtest", "vgc-clvmtest", "vgd-clvmtest"};
    for (int i = 0; i < 4; i++) {
      lvm2.run("vgcreate", vgs[i], dev(i)).requireOk();
      lvm2.run("lvcreate", "-an", "-Zn", "-n", "l1", "-L", "8M", vgs[i]).requireOk();
    }
    assertSameLayout();

    // The device grew: the area moves to the new end.
    loops.forEach(l -> l.resize(100 * MIB));
    resize();
    assertSameLayout();
    String grown = layout(0, "vga-clvmtest");
    assertTrue(grown.contains("pv_header.disk_locn[3].offset 103809024"), grown);
    assertTrue(grown.contains("pv_header.device_size 102760448"), grown);
    // Nothing changed in size: lvm2 still writes a new seqno.
    resize();
    assertSameLayout();
    // Shrink to a size that is no multiple of the extent or the alignment.
    resize("-y", "--setphysicalvolumesize", "72192K");
    assertSameLayout();
    // By less than the area's size: old and new area overlap.
    resize("-y", "--setphysicalvolumesize", "71936K");
    assertSameLayout();
    resize("-y", "--setphysicalvolumesize", "72448K");
    assertSameLayout();
    // By 2 KiB: clvm first drops the old area from the label (its bytes are overwritten).
    resize("-y", "--setphysicalvolumesize", "72446K");
    assertSameLayout();
    resize("-y", "--setphysicalvolumesize", "72448K");
    assertSameLayout();
    // lvm2's refusals: allocated extents, the minimum size, no room for an extent.
    resize("-y", "--setphysicalvolumesize", "9M");
    resize("-y", "--setphysicalvolumesize", "1M");
    resize("-y", "--setphysicalvolumesize", "3M");
    assertSameLayout();
    // Down to the allocated extents, then back to the device's size.
    resize("-y", "--setphysicalvolumesize", "10M");
    assertSameLayout();
    resize();
    assertSameLayout();

    // The other way round: clvm reads what lvm2 resized as lvm2 does, and changes it.
    Lvm2Oracle.Result expected = lvm2.run("pvs", "--units", "b", "-o", "pv_name,vg_name," + LAYOUT);
    Result actual = clvm("pvs", "--units", "b", "-o", "pv_name,vg_name," + LAYOUT);
    assertEquals(expected.stdout(), actual.out());
    assertEquals(0, clvm("lvcreate", "-an", "-n", "l2", "-L", "80M", "vgb-clvmtest").status());
    assertEquals(0, clvm("lvcreate", "-an", "-n", "l2", "-L", "80M", "vgd-clvmtest").status());
    Lvm2Oracle.Result vgck = lvm2.run("vgck", "vgb-clvmtest", "vgd-clvmtest");
    assertTrue(vgck.ok() && vgck.errors().isEmpty(), vgck.toString());
  }
}
