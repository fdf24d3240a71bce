package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.disk.Label;
import io.clvm.format.disk.MemoryDevice;
import io.clvm.format.disk.PvHeader;
import io.clvm.format.store.PvScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multipath component detection and duplicate PVs on a fake sysfs tree: two LUNs seen through two
 * iSCSI sessions each ({@code sda}/{@code sdc} under {@code dm-2}, {@code sdb}/{@code sdd} under
 * {@code dm-3}), a plain disk {@code sde} carrying an LV ({@code dm-0}, not multipath), a partition
 * {@code sde1}, and a disk {@code sdf} partitioned under a multipath map.
 */
class MultipathComponentsTest {
  @TempDir Path tmp;
  Path sys;
  Path dev;
  MultipathComponents mp;

  @BeforeEach
  void tree() throws IOException {
    sys = tmp.resolve("sys");
    dev = tmp.resolve("dev");
    Files.createDirectories(dev);
    dm("dm-0", "LVM-abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd");
    dm("dm-2", "mpath-360000000000000000e00000000010001");
    dm("dm-3", "mpath-360000000000000000e00000000010002");
    dm("dm-4", "");
    dm("dm-7", "mpath-3600000000000000000000000000000ff");
    disk("sda", "dm-2");
    disk("sdb", "dm-3");
    disk("sdc", "dm-2");
    disk("sdd", "dm-3");
    disk("sde", "dm-0");
    disk("sdf", "dm-7");
    disk("sdg");
    partition("sde", "sde1");
    partition("sdf", "sdf1");
    for (String n : List.of("sda", "sdb", "sdc", "sdd", "sde", "sde1", "sdf", "sdf1", "sdg")) {
      Files.createFile(dev.resolve(n));
    }
    for (String n : List.of("dm-0", "dm-2", "dm-3", "dm-4", "dm-7", "loop0")) {
      Files.createFile(dev.resolve(n));
    }
    mp = new MultipathComponents(sys);
  }

  private void dm(String name, String uuid) throws IOException {
    Path d = sys.resolve("block").resolve(name);
    Files.createDirectories(d.resolve("dm"));
    Files.createDirectories(d.resolve("holders"));
    Files.writeString(d.resolve("dm").resolve("uuid"), uuid + "\n");
  }

  private void disk(String name, String... holders) throws IOException {
    Path d = sys.resolve("block").resolve(name);
    Files.createDirectories(d.resolve("holders"));
    for (String h : holders) {
      Files.createSymbolicLink(d.resolve("holders").resolve(h), sys.resolve("block").resolve(h));
    }
  }

  private void partition(String disk, String part) throws IOException {
    Path p = sys.resolve("block").resolve(disk).resolve(part);
    Files.createDirectories(p.resolve("holders"));
    Files.createDirectories(sys.resolve("class").resolve("block"));
    Files.createSymbolicLink(sys.resolve("class").resolve("block").resolve(part), p);
  }

  @Test
  void multipathMapsAreTheOnesWithAnMpathUuid() {
    assertTrue(mp.isMultipath("dm-2"));
    assertTrue(mp.isMultipath("dm-3"));
    assertFalse(mp.isMultipath("dm-0"), "an LV");
    assertFalse(mp.isMultipath("dm-4"), "no uuid");
    assertFalse(mp.isMultipath("dm-9"), "no such device");
    assertFalse(mp.isMultipath("sda"));
  }

  @Test
  void pathsAreFoundThroughTheirHolders() {
    assertEquals(Optional.of("dm-2"), mp.holderOf("sda"));
    assertEquals(Optional.of("dm-2"), mp.holderOf("sdc"));
    assertEquals(Optional.of("dm-3"), mp.holderOf("sdd"));
    assertEquals(Optional.empty(), mp.holderOf("sde"), "held by an LV, not by multipath");
    assertEquals(Optional.empty(), mp.holderOf("sdg"), "held by nothing");
    assertEquals(Optional.empty(), mp.holderOf("sde1"), "partition of a plain disk");
    assertEquals(Optional.of("dm-7"), mp.holderOf("sdf1"), "partition of a multipath path");
    assertEquals(Optional.empty(), mp.holderOf("nosuch"));
    assertEquals(Optional.empty(), mp.holderOf(""));
    assertEquals(Optional.empty(), mp.holderOf("../etc"));
  }

  @Test
  void kernelNamesOfNodes() throws IOException {
    assertEquals(Optional.of("sda"), mp.kernelName(dev.resolve("sda").toString()));
    assertEquals(Optional.of("sde1"), mp.kernelName(dev.resolve("sde1").toString()));
    Path link = Files.createDirectories(dev.resolve("mapper")).resolve("mpatha");
    Files.createSymbolicLink(link, dev.resolve("dm-2"));
    assertEquals(Optional.of("dm-2"), mp.kernelName(link.toString()));
    assertTrue(mp.isMultipathPath(link.toString()));
    assertEquals(Optional.empty(), mp.kernelName(dev.resolve("nosuch").toString()));
    assertEquals(Optional.empty(), mp.kernelName(tmp.resolve("sys").toString()));
    assertEquals(
        Optional.of("dm-3"), mp.multipathHolderOfPath(dev.resolve("sdb").toString()), "sdb");
    assertEquals(Optional.empty(), mp.multipathHolderOfPath(dev.resolve("sdg").toString()));
  }

  @Test
  void theScanUsesTheMultipathMapsAndSkipsTheirPaths() throws IOException {
    Path partitions = tmp.resolve("partitions");
    Files.writeString(
        partitions,
        String.join(
            "\n",
            "major minor  #blocks  name",
            "",
            "   7        0          0 loop0",
            "   8        0      65536 sda",
            "   8       16      65536 sdb",
            "   8       32      65536 sdc",
            "   8       48      65536 sdd",
            "   8       64      65536 sde",
            "   8       65      32768 sde1",
            "   8       80      65536 sdf",
            "   8       81      65536 sdf1",
            "   8       96      65536 sdg",
            "   8      112      65536 sdz",
            " 254        0      32768 dm-0",
            " 254        2      65536 dm-2",
            " 254        3      65536 dm-3",
            " 254        4      65536 dm-4",
            " 254        7      65536 dm-7",
            ""));
    List<String> found = Devices.candidates(List.of(), partitions, dev, mp);
    List<String> expected = new ArrayList<>();
    for (String n : List.of("sde", "sde1", "sdg", "dm-2", "dm-3", "dm-7")) {
      expected.add(dev.resolve(n).toString());
    }
    assertEquals(expected, found);
    assertEquals(List.of("/x/named"), Devices.candidates(List.of("/x/named"), partitions, dev, mp));
    assertEquals(List.of(), Devices.candidates(List.of(), tmp.resolve("none"), dev, mp));
  }

  private PvScan pv(String device, String uuid) {
    PvHeader h = new PvHeader(uuid, 1 << 20, List.of(), List.of(), 2, 0, List.of());
    return new PvScan(
        new MemoryDevice(dev.resolve(device).toString(), 4096, 512),
        Optional.of(new Label(1, 0, 32, h)),
        List.of(),
        List.of());
  }

  private PvScan blank(String device) {
    return new PvScan(
        new MemoryDevice(dev.resolve(device).toString(), 4096, 512),
        Optional.empty(),
        List.of(),
        List.of());
  }

  static final String U1 = "AAAAAAaaaaaaBBBBbbbbCCCCccccDDDD";
  static final String U2 = "EEEEEEeeeeeeFFFFffffGGGGggggHHHH";

  @Test
  void pathsNamedAlongsideTheirMapAreDropped() {
    RecordingConsole console = new RecordingConsole();
    PvScan a = pv("sda", U1);
    PvScan map = pv("dm-2", U1);
    PvScan c = pv("sdc", U1);
    PvScan other = pv("sdg", U2);
    DuplicatePvs.Result r =
        DuplicatePvs.resolve(List.of(a, blank("sde"), map, c, other), mp, console);
    assertEquals(List.of("sde", "dm-2", "sdg"), names(r.kept()));
    assertTrue(r.unresolved().isEmpty());
    assertEquals(2, console.warnings.size(), console.warnings.toString());
    assertTrue(console.warnings.get(0).contains("Not using device " + dev.resolve("sda")));
    assertTrue(console.warnings.get(0).contains("multipath device " + dev.resolve("dm-2")));
    assertTrue(console.warnings.get(0).contains("AAAAAA-aaaa"), console.warnings.get(0));
    assertEquals(Optional.empty(), r.refusal("vg", List.of(U1, U2)));
  }

  @Test
  void twoPathsWithoutMultipathAreReportedAndRefused() {
    RecordingConsole console = new RecordingConsole();
    // sdg and sde: the same label on two unrelated devices (no multipath between them)
    DuplicatePvs.Result r =
        DuplicatePvs.resolve(List.of(pv("sdg", U1), pv("sde", U1), pv("sdb", U2)), mp, console);
    assertEquals(List.of("sdg", "sdb"), names(r.kept()));
    assertEquals(
        List.of(dev.resolve("sdg").toString(), dev.resolve("sde").toString()),
        r.unresolved().get(U1));
    String w = console.warnings.get(0);
    assertTrue(w.contains("PV AAAAAA-aaaa-aaBB-BBbb-bbCC-CCcc-ccDDDD"), w);
    assertTrue(w.contains(dev.resolve("sdg") + ", " + dev.resolve("sde")), w);
    String refusal = r.refusal("vg1", List.of(U2, U1)).orElseThrow();
    assertTrue(refusal.startsWith("Cannot use VG vg1: PV AAAAAA-"), refusal);
    assertTrue(refusal.contains(dev.resolve("sde").toString()), refusal);
    assertEquals(Optional.empty(), r.refusal("vg2", List.of(U2)));
  }

  @Test
  void twoMultipathMapsWithOneLabelCannotBeDecided() {
    RecordingConsole console = new RecordingConsole();
    DuplicatePvs.Result r =
        DuplicatePvs.resolve(List.of(pv("dm-2", U1), pv("dm-3", U1)), mp, console);
    assertEquals(List.of("dm-2"), names(r.kept()));
    assertEquals(2, r.unresolved().get(U1).size());
    // a map and a path of ANOTHER map: not a component of this one either
    r = DuplicatePvs.resolve(List.of(pv("dm-2", U2), pv("sdb", U2)), mp, new RecordingConsole());
    assertEquals(2, r.unresolved().get(U2).size());
    assertEquals("not-a-uuid", DuplicatePvs.dashed("not-a-uuid"));
  }

  private static List<String> names(List<PvScan> scans) {
    List<String> out = new ArrayList<>();
    for (PvScan s : scans) {
      out.add(Path.of(s.device().name()).getFileName().toString());
    }
    return out;
  }

  /** A console that keeps what it was told. */
  static final class RecordingConsole implements Console {
    final List<String> warnings = new ArrayList<>();
    final List<String> lines = new ArrayList<>();

    @Override
    public void print(String message) {
      lines.add(message);
    }

    @Override
    public void report(String text) {
      lines.add(text);
    }

    @Override
    public void warn(String message) {
      warnings.add(message);
    }

    @Override
    public void error(String message) {
      lines.add(message);
    }

    @Override
    public boolean confirm(String question) {
      return false;
    }
  }
}
