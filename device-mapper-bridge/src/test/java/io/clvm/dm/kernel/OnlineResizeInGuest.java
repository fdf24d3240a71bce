package io.clvm.dm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clvm.dm.BlockDevices;
import io.clvm.dm.DeviceInfo;
import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.Sectors;
import io.clvm.dm.kernel.GuestDisks.Loop;
import io.clvm.dm.table.Table;
import io.clvm.testing.block.ContinuousWriter;
import io.clvm.testing.block.TaggedSectors;
import io.clvm.testing.uml.InGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Growing and shrinking a device online (load, suspend, resume) while a thread writes to it
 * continuously with O_DIRECT: no I/O error, no lost or misplaced write, the new size visible as
 * soon as the reload returns.
 */
@InGuest
class OnlineResizeInGuest {
  static final long MIB = 2048; // sectors
  static GuestDisks disks;
  static Loop a;
  static Loop b;

  @BeforeAll
  static void setUp() throws Exception {
    disks = new GuestDisks();
    a = disks.loop("grow-a", Sectors.of(8 * MIB));
    b = disks.loop("grow-b", Sectors.of(8 * MIB));
  }

  @AfterAll
  static void tearDown() throws Exception {
    disks.close();
  }

  @Test
  void growWhileWriting() throws Exception {
    DmName name = GuestDisks.name("vg-grow");
    Table small = Table.parse("0 " + 4 * MIB + " linear " + a.number() + " " + MIB);
    Table big =
        Table.parse(
            "0 "
                + 4 * MIB
                + " linear "
                + a.number()
                + " "
                + MIB
                + "\n"
                + 4 * MIB
                + " "
                + 3 * MIB
                + " striped 2 64 "
                + b.number()
                + " 0 "
                + a.number()
                + " "
                + 5 * MIB);
    disks.ops.createActive(name, Optional.empty(), small);
    Path dev = GuestDisks.mapper(name);
    long smallBlocks = small.size().bytes() / ContinuousWriter.BLOCK;
    long bigBlocks = big.size().bytes() / ContinuousWriter.BLOCK;
    try (ContinuousWriter w = new ContinuousWriter(dev, "grow", smallBlocks, bigBlocks)) {
      w.awaitMoreWrites(smallBlocks + 10); // a whole round and some
      DeviceInfo after = disks.ops.reload(name, big, SuspendMode.FLUSH);
      assertEquals(big.size().bytes(), BlockDevices.sizeBytes(dev), "new size right after resume");
      assertEquals(
          String.valueOf(big.size().count()),
          Files.readString(Path.of("/sys/block/dm-" + after.device().minor() + "/size")).strip());
      assertFalse(after.suspended());
      w.awaitMoreWrites(50); // still writing, still in the old part
      w.limit(bigBlocks);
      w.awaitMoreWrites(bigBlocks + 10); // a whole round over the grown device
      w.close();
      w.assertNoErrors();
      w.verify(dev, bigBlocks);
      verifyBackingFiles(w, big, bigBlocks);
    }
    assertEquals(Optional.of(big), disks.dm.table(name, TableSlot.LIVE));
    disks.dm.remove(name);
  }

  @Test
  void shrinkWhileWritingToThePartThatRemains() throws Exception {
    DmName name = GuestDisks.name("vg-shrink");
    Table big =
        Table.parse(
            "0 "
                + 2 * MIB
                + " linear "
                + b.number()
                + " "
                + 4 * MIB
                + "\n"
                + 2 * MIB
                + " "
                + 2 * MIB
                + " linear "
                + a.number()
                + " "
                + 6 * MIB);
    Table small = Table.parse("0 " + 2 * MIB + " linear " + b.number() + " " + 4 * MIB);
    disks.ops.createActive(name, Optional.empty(), big);
    Path dev = GuestDisks.mapper(name);
    long bigBlocks = big.size().bytes() / ContinuousWriter.BLOCK;
    long smallBlocks = small.size().bytes() / ContinuousWriter.BLOCK;
    try (ContinuousWriter w = new ContinuousWriter(dev, "shrink", bigBlocks, bigBlocks)) {
      w.awaitMoreWrites(bigBlocks + 10);
      w.limit(smallBlocks); // the application stops using the end first, as lvreduce requires
      disks.ops.reload(name, small, SuspendMode.NOFLUSH);
      assertEquals(
          small.size().bytes(), BlockDevices.sizeBytes(dev), "new size right after resume");
      w.awaitMoreWrites(smallBlocks + 10);
      w.close();
      w.assertNoErrors();
      w.verify(dev, smallBlocks);
      verifyBackingFiles(w, small, smallBlocks);
    }
    disks.dm.remove(name);
  }

  /** Each block's last write is in the backing file where the table maps it. */
  private static void verifyBackingFiles(ContinuousWriter w, Table table, long blocks) {
    Map<DeviceNumber, Loop> loops = Map.of(a.number(), a, b.number(), b);
    for (long block = 0; block < blocks; block++) {
      long gen = w.generation(block);
      for (int s = 0; s < ContinuousWriter.SECTORS_PER_BLOCK; s++) {
        long sector = block * ContinuousWriter.SECTORS_PER_BLOCK + s;
        Mapping.Location at = Mapping.locate(table, sector);
        Loop loop = loops.get(at.device());
        byte[] got = GuestDisks.readFile(loop.file(), at.sector() * Sectors.SIZE, Sectors.SIZE);
        TaggedSectors.check(
            got, 0, w.tag(), sector, gen, "in " + loop.file() + " at sector " + at.sector());
      }
    }
  }
}
