package io.clvm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.disk.FileDevice;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.LvmUuid;
import io.clvm.format.model.MetadataHeader;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.MetadataCopy;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.ParsedTexts;
import io.clvm.format.store.PvScan;
import io.clvm.format.text.BigVgText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * clvmd's parsed VGs: a text the daemon printed is kept with the model it was printed from, which
 * is only right if parsing that text gives the same model and summary (checked here on every lvm2
 * fixture and on a large VG); and a kept model is never served for other bytes (another writer's
 * commit is read afresh).
 */
class ParsedVgsTest {
  @TempDir Path tmp;

  static Stream<Lvm2Fixtures.Pv> fixturePvs() {
    return Lvm2Fixtures.allPvs().stream();
  }

  /** The next version of {@code m} as a commit of this daemon prints it. */
  private static VgMetadata next(VgMetadata m) {
    return new VgMetadata(m.vg().withNextSeqno(), MetadataHeader.now("Write from test.", null));
  }

  private static void assertReadBackAsPrinted(VgMetadata m) throws Exception {
    String text = new ParsedVgs().printOnDisk(m);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(m, MetadataText.parse(text), "the model the text parses to");
    assertEquals(
        ParsedVgs.summary(m.vg()),
        new ParsedTexts(1, 0).summary(bytes),
        "what the store's parse says of the text");
  }

  @ParameterizedTest
  @MethodSource("fixturePvs")
  void everyFixtureVgPrintedParsesBackToItsModel(Lvm2Fixtures.Pv pv) throws Exception {
    Path image = pv.writeImage(tmp.resolve(pv.name() + "-clvmtest.img"));
    List<MetadataCopy> copies = new ArrayList<>();
    try (FileDevice d = FileDevice.openReadOnly(image)) {
      for (PvScan s : MetadataStore.scan(List.of(d))) {
        for (AreaScan a : s.areas()) {
          a.copy().ifPresent(copies::add);
        }
      }
    }
    for (MetadataCopy c : copies) {
      assertReadBackAsPrinted(next(MetadataText.parse(c.textString())));
    }
  }

  @Test
  void aLargeVgPrintedAfterAChangeParsesBackToItsModel() throws Exception {
    VgMetadata m = MetadataText.parse(BigVgText.generate(2000));
    VolumeGroup vg = m.vg();
    LogicalVolume added =
        LogicalVolume.create(
            "added",
            LvmUuid.random(),
            1795772415,
            "vm",
            List.of(StripedSegment.linear(0, 3, vg.pvs().get(0).id(), 4000)));
    assertReadBackAsPrinted(next(m));
    assertReadBackAsPrinted(next(new VgMetadata(vg.withLvAdded(added), m.header())));
    assertReadBackAsPrinted(next(new VgMetadata(vg.withSystemId("host1"), m.header())));
  }

  @Test
  void aPrintedTextReadFromTheDisksIsItsModelAnotherWritersTextIsReadAfresh() throws Exception {
    FileBackedVg vg = new FileBackedVg(tmp);
    List<String> pvs = vg.pvs;
    RecordingConsole console = vg.console;
    ParsedVgs parsed = new ParsedVgs();

    VgMetadata read = read(pvs, console, parsed);
    assertSame(read, read(pvs, console, parsed), "the same text: the kept model");

    // This daemon's commit: the text it printed, written to the disks, is read as its model.
    VgMetadata mine = next(read);
    byte[] text = parsed.printOnDisk(mine).getBytes(StandardCharsets.UTF_8);
    long misses = parsed.texts().misses();
    commit(pvs, mine.vg(), text);
    assertSame(mine, read(pvs, console, parsed), "read back as printed, not parsed");
    assertEquals(misses, parsed.texts().misses());

    // Another writer's commit: other bytes, parsed, never the kept model.
    vg.lvcreate("theirs");
    VgMetadata theirs = read(pvs, console, parsed);
    assertNotSame(mine, theirs);
    assertTrue(theirs.vg().lv("theirs").isPresent(), "no stale read");
    assertEquals(mine.vg().seqno() + 1, theirs.vg().seqno());
    assertTrue(parsed.texts().misses() > misses);
    assertFalse(
        console.err.stream().anyMatch(l -> l.contains("Cannot process")), console.err.toString());
  }

  private static VgMetadata read(List<String> pvs, Console console, ParsedVgs parsed)
      throws Exception {
    try (Scan s = Scan.of(pvs, false, List.of(), console, parsed)) {
      return s.read("vg", console).metadata();
    }
  }

  private static void commit(List<String> pvs, VolumeGroup vg, byte[] text) throws IOException {
    List<FileDevice> devs = new ArrayList<>();
    try {
      for (String p : pvs) {
        devs.add(FileDevice.openReadWrite(Path.of(p)));
      }
      MetadataStore.commit(devs, vg.name(), vg.seqno(), text);
    } finally {
      for (FileDevice d : devs) {
        d.close();
      }
    }
  }
}
