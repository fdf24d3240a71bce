package io.clvm.format.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.format.model.AllocationPolicy;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.MetadataPrinter;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * After any sequence of create/extend/reduce/remove/rename: no extent is used twice, every LV's
 * size is the sum of its segments, used + free = total on every PV, and the VG survives print →
 * parse unchanged in both text flavours.
 */
class AllocatorPropertiesTest {
  /** One random operation; the fields are interpreted by {@link #apply}. */
  record Op(int kind, int lv, int other, int size, int stripes, int policy, int pvMask) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 30),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 15))
            .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  static VolumeGroup emptyVg(long seed) {
    Random r = new Random(seed);
    List<PhysicalVolume> pvs = new ArrayList<>();
    long[] sizes = {15, 11, 19, 9};
    for (int i = 0; i < sizes.length; i++) {
      pvs.add(
          PhysicalVolume.of(
              LvmUuid.random(r), "/dev/loop" + i, (sizes[i] * 8192) + 2048, 2048, sizes[i]));
    }
    return VolumeGroup.builder("vgp", LvmUuid.random(r)).pvs(pvs).build();
  }

  static VolumeGroup apply(VolumeGroup vg, Op op) {
    String name = "lv" + op.lv();
    AllocationPolicy[] policies = {
      null,
      null,
      AllocationPolicy.CONTIGUOUS,
      AllocationPolicy.CLING,
      AllocationPolicy.ANYWHERE,
      AllocationPolicy.NORMAL
    };
    List<LvmUuid> pvs = new ArrayList<>();
    for (int i = 0; i < vg.pvs().size(); i++) {
      if ((op.pvMask() & (1 << i)) != 0 && op.pvMask() % 3 == 0) {
        pvs.add(vg.pvs().get(i).id());
      }
    }
    try {
      return switch (op.kind()) {
        case 0, 1 ->
            LvOperations.create(
                    vg,
                    new LvOperations.CreateRequest(
                        name,
                        op.size() > 25
                            ? SizeSpec.parseExtents(op.size() + "%FREE")
                            : SizeSpec.extents(op.size()),
                        op.stripes(),
                        0,
                        pvs,
                        policies[op.policy()],
                        List.of(),
                        null,
                        1795772415L,
                        "vm"))
                .vg();
        case 2 ->
            LvOperations.extend(
                    vg,
                    name,
                    new SizeSpec(SizeSpec.Kind.EXTENTS, op.size(), 1),
                    op.stripes() == 3 ? 0 : op.stripes(),
                    0,
                    pvs,
                    policies[op.policy()])
                .vg();
        case 3 ->
            LvOperations.reduce(
                    vg, name, new SizeSpec(SizeSpec.Kind.EXTENTS, op.size() % 5 + 1, -1))
                .vg();
        case 4 -> LvOperations.remove(vg, name);
        default -> LvOperations.rename(vg, name, "lv" + op.other());
      };
    } catch (IllegalArgumentException | IllegalStateException e) {
      return vg; // refused requests leave the VG as it was
    }
  }

  @Property(tries = 300)
  void invariantsHoldAfterAnySequence(@ForAll("ops") List<Op> ops) throws Exception {
    VolumeGroup vg = emptyVg(ops.size());
    for (Op op : ops) {
      VolumeGroup before = vg;
      vg = apply(vg, op);
      check(vg);
      check(before); // the input was not changed in place
    }
    VgMetadata m =
        new VgMetadata(
            vg, new MetadataHeader("Write from test.", "vm", null, 1795772415L, null, "Linux vm"));
    for (MetadataPrinter p :
        List.of(
            MetadataPrinter.onDisk().withZone(ZoneOffset.UTC),
            MetadataPrinter.backupFile().withZone(ZoneOffset.UTC))) {
      String text = p.print(m);
      VgMetadata back = MetadataText.parse(text);
      assertEquals(vg, back.vg());
      assertEquals(text, p.print(back));
    }
  }

  private static void check(VolumeGroup vg) {
    ExtentMap map = ExtentMap.of(vg); // throws if an extent is used twice or out of range
    for (PhysicalVolume pv : vg.pvs()) {
      assertEquals(pv.peCount(), map.usedExtents(pv.id()) + map.freeExtents(pv.id()));
    }
    long used = 0;
    for (LogicalVolume lv : vg.lvs()) {
      long sum = 0;
      for (Segment s : lv.segments()) {
        sum += s.extentCount();
      }
      assertEquals(sum, lv.extentCount());
      used += sum;
    }
    assertEquals(vg.extentCount(), used + map.freeExtents());
  }
}
