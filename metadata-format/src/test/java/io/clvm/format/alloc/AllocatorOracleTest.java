package io.clvm.format.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.Segment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.oracle.Lvm2Sandbox;
import io.clvm.testing.RequiresLvm2;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocator against live lvm2: the same lvcreate/lvextend/lvreduce/lvremove/lvrename commands
 * run on loop devices by lvm2 and on the model by clvm; after every command both must agree on
 * success and on every LV's segments, extent for extent.
 */
@RequiresLvm2
class AllocatorOracleTest {
  private static final String VG = "vgo-clvmtest";

  /** Scripted cases that exercise the policies and the largest-area-first rule. */
  @Test
  void scriptedSequencesMatchLvm2() throws Exception {
    List<String> script =
        List.of(
            "lvcreate -an -Zn -n a -L 8M vgo-clvmtest",
            "lvcreate -an -Zn -n b -L 12M vgo-clvmtest",
            "lvcreate -an -Zn -n c -L 4M vgo-clvmtest",
            "lvremove -f vgo-clvmtest/a",
            // a 2-extent hole at the start of pv0, larger free areas elsewhere
            "lvcreate -an -Zn -n d -L 4M vgo-clvmtest",
            "lvextend -L +8M vgo-clvmtest/b",
            "lvextend -L +40M vgo-clvmtest/c",
            "lvcreate -an -Zn -n s -i 2 -I 64k -L 24M vgo-clvmtest",
            "lvcreate -an -Zn -n t -i 3 -l 6 vgo-clvmtest",
            "lvextend -l +3 vgo-clvmtest/t",
            "lvreduce -f -l -2 vgo-clvmtest/c",
            "lvcreate -an -Zn -n e --alloc contiguous -L 8M vgo-clvmtest",
            "lvextend --alloc cling -L +4M vgo-clvmtest/e",
            "lvcreate -an -Zn -n f --alloc anywhere -i 2 -L 8M vgo-clvmtest",
            "lvcreate -an -Zn -n g -l 50%FREE vgo-clvmtest",
            "lvextend -l +100%FREE vgo-clvmtest/g",
            "lvcreate -an -Zn -n h -L 4M vgo-clvmtest",
            "lvrename vgo-clvmtest g gg",
            "lvremove -f vgo-clvmtest/gg",
            "lvextend -l 40%FREE vgo-clvmtest/h",
            "lvextend -l 60%FREE vgo-clvmtest/h",
            "lvextend -l 100%VG vgo-clvmtest/h",
            "lvreduce -f -l 10%VG vgo-clvmtest/h",
            "lvremove -f vgo-clvmtest/b");
    compare(script, new int[] {64, 48, 80});
  }

  /** Random sequences, seeded so that a failure can be replayed. */
  @Test
  void randomSequencesMatchLvm2() throws Exception {
    for (long seed = 1; seed <= Long.getLong("oracle.seeds", 6); seed++) {
      compare(randomScript(new Random(seed), 25), new int[] {64, 48, 80, 40});
    }
  }

  private static List<String> randomScript(Random r, int n) {
    // Commands are generated blind (without knowing the state): failures must agree too.
    List<String> out = new ArrayList<>();
    String[] names = {"l0", "l1", "l2", "l3", "l4"};
    for (int i = 0; i < n; i++) {
      String lv = names[r.nextInt(names.length)];
      String pvs = r.nextInt(3) == 0 ? " /dev/PV" + r.nextInt(4) : "";
      String[] policies = {
        "", "", "", " --alloc contiguous", " --alloc cling", " --alloc anywhere"
      };
      String alloc = policies[r.nextInt(policies.length)];
      switch (r.nextInt(6)) {
        case 0, 1 -> {
          String stripes = r.nextInt(3) == 0 ? " -i " + (2 + r.nextInt(2)) : "";
          String size =
              switch (r.nextInt(4)) {
                case 0 -> " -L " + (1 + r.nextInt(40)) + "M";
                case 1 -> " -l " + (1 + r.nextInt(12));
                case 2 -> " -l " + (5 + r.nextInt(50)) + "%FREE";
                default -> " -l " + (5 + r.nextInt(20)) + "%VG";
              };
          out.add("lvcreate -an -Zn -n " + lv + alloc + stripes + size + " " + VG + pvs);
        }
        case 2 -> out.add("lvextend -L +" + (1 + r.nextInt(24)) + "M " + VG + "/" + lv + pvs);
        case 3 -> out.add("lvreduce -f -l -" + (1 + r.nextInt(3)) + " " + VG + "/" + lv);
        case 4 -> out.add("lvremove -f " + VG + "/" + lv);
        default -> out.add("lvrename " + VG + " " + lv + " " + names[r.nextInt(names.length)]);
      }
    }
    return out;
  }

  private void compare(List<String> script, int[] sizes) throws Exception {
    try (Lvm2Sandbox box = Lvm2Sandbox.create(sizes)) {
      List<String> devs = box.devices();
      for (String d : devs) {
        assertTrue(box.lvm("pvcreate", d).ok());
      }
      List<String> vgcreate = new ArrayList<>(List.of("vgcreate", VG));
      vgcreate.addAll(devs);
      assertTrue(box.lvm(vgcreate.toArray(String[]::new)).ok());
      VolumeGroup model = MetadataText.parse(box.backup(VG)).vg();
      List<String> history = new ArrayList<>();
      for (String raw : script) {
        String line = raw;
        for (int i = 0; i < devs.size(); i++) {
          line = line.replace("/dev/PV" + i, devs.get(i));
        }
        history.add(line);
        String before = freeAreas(model);
        Lvm2Sandbox.Run run = box.lvmLine(line);
        VolumeGroup next = null;
        RuntimeException failure = null;
        try {
          next = CommandReplay.apply(model, line);
        } catch (RuntimeException e) {
          failure = e;
        }
        String context =
            String.join("\n", history)
                + "\nlvm2: "
                + run.output()
                + "\nclvm: "
                + (failure == null ? "ok" : failure.getMessage());
        assertEquals(run.ok(), failure == null, "success differs\n" + context);
        if (next != null) {
          model = next;
        }
        VolumeGroup lvm2 = MetadataText.parse(box.backup(VG)).vg();
        assertEquals(layout(lvm2), layout(model), "extents differ\n" + context);
      }
    }
  }

  private static String freeAreas(VolumeGroup vg) {
    ExtentMap map = ExtentMap.of(vg);
    StringBuilder b = new StringBuilder();
    for (var pv : vg.pvs()) {
      b.append(pv.id().raw(), 0, 6).append(':');
      for (PvArea a : map.free(pv.id())) {
        b.append(' ').append(a.start()).append('+').append(a.count());
      }
      b.append("; ");
    }
    return b.toString();
  }

  private static Map<String, List<Segment>> layout(VolumeGroup vg) {
    Map<String, List<Segment>> m = new LinkedHashMap<>();
    for (LogicalVolume lv : vg.lvs()) {
      m.put(lv.name(), lv.segments());
    }
    return m;
  }
}
