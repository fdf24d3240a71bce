package io.clvm.dm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceMapper.SuspendMode;
import io.clvm.dm.DeviceMapper.TableSlot;
import io.clvm.dm.DmName;
import io.clvm.dm.Sectors;
import io.clvm.dm.kernel.GuestDisks.Loop;
import io.clvm.dm.table.Table;
import io.clvm.testing.Await;
import io.clvm.testing.block.ContinuousWriter;
import io.clvm.testing.uml.InGuest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Suspend and resume, with and without flush, while writes are in flight. */
@InGuest
class SuspendResumeInGuest {
  static GuestDisks disks;
  static Loop loop;

  @BeforeAll
  static void setUp() throws Exception {
    disks = new GuestDisks();
    loop = disks.loop("suspend", Sectors.of(4096));
  }

  @AfterAll
  static void tearDown() throws Exception {
    disks.close();
  }

  @Test
  void suspendAndResumeWithIoInFlight() throws Exception {
    DmName name = GuestDisks.name("vg-suspend");
    Table table = Table.parse("0 4096 linear " + loop.number() + " 0");
    disks.ops.createActive(name, Optional.empty(), table);
    Path dev = GuestDisks.mapper(name);
    long blocks = table.size().bytes() / ContinuousWriter.BLOCK;
    try (ContinuousWriter w = new ContinuousWriter(dev, "suspend", blocks, blocks)) {
      for (SuspendMode mode : SuspendMode.values()) {
        for (int i = 0; i < 3; i++) {
          w.awaitMoreWrites(20);
          assertTrue(disks.dm.suspend(name, mode).suspended(), mode + " suspend");
          assertTrue(disks.dm.info(name).orElseThrow().suspended());
          assertFalse(disks.dm.resume(name).suspended(), mode + " resume");
        }
      }
      // an online reload to an identical table, with I/O in flight, both ways
      disks.ops.reload(name, table, SuspendMode.NOFLUSH);
      w.awaitMoreWrites(20);
      disks.ops.reload(name, table, SuspendMode.FLUSH);
      w.awaitMoreWrites(blocks + 20);
      w.close();
      w.assertNoErrors();
      w.verify(dev, blocks);
    }
    disks.dm.remove(name);
  }

  @Test
  void errorOutFencesAWriterAndCanBeLifted() throws Exception {
    DmName name = GuestDisks.name("vg-fence");
    Table table = Table.parse("0 2048 linear " + loop.number() + " 2048");
    disks.ops.createActive(name, Optional.empty(), table);
    Path dev = GuestDisks.mapper(name);
    long blocks = table.size().bytes() / ContinuousWriter.BLOCK;
    try (ContinuousWriter w = new ContinuousWriter(dev, "fenced", blocks, blocks)) {
      w.awaitMoreWrites(20);
      assertEquals(table, disks.ops.errorOut(name));
      assertEquals(Optional.of(Table.parse("0 2048 error")), disks.dm.table(name, TableSlot.LIVE));
      Await.until("the fenced writer to get an I/O error", Duration.ofMinutes(1), w::hasErrors);
    }
    disks.ops.reload(name, table, SuspendMode.FLUSH); // the fence is lifted
    try (ContinuousWriter w = new ContinuousWriter(dev, "unfenced", blocks, blocks)) {
      w.awaitMoreWrites(blocks + 5);
      w.close();
      w.assertNoErrors();
      w.verify(dev, blocks);
    }
    disks.dm.remove(name);
  }
}
