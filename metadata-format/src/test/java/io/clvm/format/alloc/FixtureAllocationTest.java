package io.clvm.format.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VolumeGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays each fixture's lvm2 commands ({@code commands.log}) on the fixture's PVs with clvm's
 * allocator and asserts the same segments, extent for extent, that lvm2 chose.
 */
class FixtureAllocationTest {
  static Stream<String> scenarios() {
    return Lvm2Fixtures.SCENARIOS.keySet().stream().sorted();
  }

  /** The LV-changing commands of a scenario, in order, without the shell's --config quoting. */
  static List<String> commands(String scenario) {
    List<String> out = new ArrayList<>();
    for (String line : Lvm2Fixtures.text(scenario + "/commands.log").split("\n")) {
      if (!line.startsWith("$ ")) {
        continue;
      }
      String c = line.substring(2).replaceAll("--config (\\\\ |\\S)+ ", "");
      if (c.matches("(lvcreate|lvextend|lvreduce|lvremove|lvrename|lvchange|vgchange) .*")) {
        out.add(c);
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void sameExtentsAsLvm2(String scenario) throws Exception {
    VolumeGroup lvm2 = MetadataText.parse(Lvm2Fixtures.text(scenario + "/vgcfgbackup.vg")).vg();
    VolumeGroup vg = lvm2.toBuilder().lvs(List.of()).tags(List.of()).build();
    for (String c : commands(scenario)) {
      vg = CommandReplay.apply(vg, c);
    }
    assertEquals(lvm2.tags(), vg.tags());
    assertEquals(names(lvm2), names(vg));
    for (LogicalVolume expected : lvm2.lvs()) {
      LogicalVolume actual = vg.requireLv(expected.name());
      assertEquals(expected.segments(), actual.segments(), scenario + " " + expected.name());
      assertEquals(expected.tags(), actual.tags());
      assertEquals(expected.flags(), actual.flags());
    }
  }

  private static List<String> names(VolumeGroup vg) {
    return vg.lvs().stream().map(LogicalVolume::name).toList();
  }
}
