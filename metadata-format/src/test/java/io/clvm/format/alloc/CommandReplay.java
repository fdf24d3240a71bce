package io.clvm.format.alloc;

import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.VolumeGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Applies lvm2 command lines (the subset the fixtures and the oracle tests use) to the model, so
 * that the allocator's choices can be compared with what lvm2 did for the same commands. PVs are
 * named by their device hint ({@code /dev/loop1}).
 */
final class CommandReplay {
  private CommandReplay() {}

  static VolumeGroup apply(VolumeGroup vg, String commandLine) {
    List<String> args = new ArrayList<>(Arrays.asList(commandLine.trim().split("\\s+")));
    String cmd = args.remove(0);
    String name = null;
    SizeSpec size = null;
    int stripes = 0;
    long stripeSize = 0;
    AllocationPolicy policy = null;
    List<String> tags = new ArrayList<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-an", "-Zn", "-f", "-y" -> {}
        case "-n" -> name = args.get(++i);
        case "-L" -> size = SizeSpec.parseSize(args.get(++i));
        case "-l" -> size = SizeSpec.parseExtents(args.get(++i));
        case "-i" -> stripes = Integer.parseInt(args.get(++i));
        case "-I" ->
            stripeSize =
                SizeSpec.parseSize(args.get(++i).matches("\\d+") ? args.get(i) + "k" : args.get(i))
                        .value()
                    / 512;
        case "--alloc" -> policy = AllocationPolicy.of(args.get(++i)).orElseThrow();
        case "--addtag" -> tags.add(args.get(++i));
        default -> positional.add(a);
      }
    }
    switch (cmd) {
      case "lvcreate" -> {
        String vgName = positional.get(0);
        List<LvmUuid> pvs = pvs(vg, positional.subList(1, positional.size()));
        LvOperations.CreateRequest r =
            new LvOperations.CreateRequest(
                name,
                size,
                stripes == 0 ? 1 : stripes,
                stripeSize,
                pvs,
                policy,
                tags,
                null,
                1795772415L,
                "vm");
        if (!vgName.equals(vg.name())) {
          throw new IllegalArgumentException("wrong VG " + vgName);
        }
        return LvOperations.create(vg, r).vg();
      }
      case "lvextend", "lvreduce", "lvresize" -> {
        String lv = lvName(vg, positional.get(0));
        List<LvmUuid> pvs = pvs(vg, positional.subList(1, positional.size()));
        boolean shrink =
            cmd.equals("lvreduce")
                || size.sign() < 0
                || (size.sign() == 0
                    && size.toExtents(vg.extentSize(), vg.extentCount(), 0, 0, false)
                        < vg.requireLv(lv).extentCount());
        return shrink
            ? LvOperations.reduce(vg, lv, size).vg()
            : LvOperations.extend(vg, lv, size, stripes, stripeSize, pvs, policy).vg();
      }
      case "lvremove" -> {
        return LvOperations.remove(vg, lvName(vg, positional.get(0)));
      }
      case "lvrename" -> {
        return LvOperations.rename(vg, positional.get(1), positional.get(2));
      }
      case "lvchange" -> {
        LogicalVolume lv = vg.requireLv(lvName(vg, positional.get(0)));
        List<String> t = new ArrayList<>(lv.tags());
        t.addAll(tags);
        return vg.withLv(lv.withTags(t));
      }
      case "vgchange" -> {
        List<String> t = new ArrayList<>(vg.tags());
        t.addAll(tags);
        return vg.withTags(t);
      }
      default -> throw new IllegalArgumentException("not replayable: " + commandLine);
    }
  }

  private static String lvName(VolumeGroup vg, String arg) {
    String prefix = vg.name() + "/";
    if (!arg.startsWith(prefix)) {
      throw new IllegalArgumentException("expected " + prefix + "LV: " + arg);
    }
    return arg.substring(prefix.length());
  }

  private static List<LvmUuid> pvs(VolumeGroup vg, List<String> devices) {
    List<LvmUuid> out = new ArrayList<>();
    for (String d : devices) {
      out.add(vg.pvByDevice(d).orElseThrow(() -> new IllegalArgumentException("no PV " + d)).id());
    }
    return out;
  }
}
