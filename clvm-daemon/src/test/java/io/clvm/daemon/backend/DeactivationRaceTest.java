package io.clvm.daemon.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.cluster.ClusterNode;
import io.clvm.cluster.TestNodes;
import io.clvm.cluster.activation.ActivationMode;
import io.clvm.cluster.commit.CommittedVg;
import io.clvm.cluster.commit.FailPoint;
import io.clvm.daemon.config.DaemonConfig;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.disk.PvFormatOptions;
import io.clvm.format.disk.PvFormatter;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VolumeGroup;
import io.clvm.testing.Await;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by the fault-injection suite, issue 7): propagation's reload of a node's active
 * LVs raced a deactivation on the same node. The reload had listed the LV as active here and read
 * the VG before; the deactivation then removed the table and dropped the activation; the reload
 * re-created the table. Left behind: a live mapping that no activation owns (after lvremove, of
 * extents the committed VG hands to others; after lvchange -an, while another node may take the LV
 * exclusively).
 */
class DeactivationRaceTest {
  private static final String PV_UUID = "aaaaaa-bbbb-cccc-dddd-eeee-ffff-gggggg";
  private static final String VG_UUID = "hhhhhh-iiii-jjjj-kkkk-llll-mmmm-nnnnnn";
  private static final String LV_UUID = "oooooo-pppp-qqqq-rrrr-ssss-tttt-uuuuuu";

  @TempDir Path dir;

  @Test
  void aReloadFromBeforeADeactivationDoesNotRecreateTheTable() throws Exception {
    Path pv = formattedPv();
    String text = Files.readString(writeText(dir.resolve("vg.txt")));
    VolumeGroup vg = MetadataText.parse(text).vg();
    LogicalVolume lv = vg.lv("lv").orElseThrow();

    try (TestNodes nodes = new TestNodes();
        ClusterBackend backend = memoryBackend(pv)) {
      String connect = nodes.zk.server().getConnectString();
      ClusterNode node =
          nodes.node("a", connect, FailPoint.NONE, Duration.ofSeconds(10), Duration.ofSeconds(2));
      backend.attach(node);
      node.activate(VG_UUID, LV_UUID, ActivationMode.EXCLUSIVE, "test");
      backend.tables().activate(vg, lv);
      assertTrue(backend.tables().isActive("vg", "lv"));

      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread reload =
          new Thread(
              () -> {
                try {
                  backend.applyCallback().apply(new CommittedVg(VG_UUID, vg.seqno(), text));
                } catch (Throwable t) {
                  failed.set(t);
                }
              },
              "reload");
      synchronized (backend.tables()) {
        reload.start();
        // the reload has listed the LV as active here and now waits for the tables
        Await.until(
            "the reload to wait for the tables",
            Duration.ofSeconds(30),
            () -> reload.getState() == Thread.State.BLOCKED);
        backend.coordinator("lvchange -an vg/lv").deactivate(vg, lv);
      }
      reload.join(30_000);
      assertFalse(reload.isAlive());
      if (failed.get() != null) {
        throw new AssertionError(failed.get());
      }
      assertFalse(backend.tables().isActive("vg", "lv"), "the deactivated LV's table came back");
      assertTrue(node.activations().local().isEmpty());

      // An LV left fenced (its activation expired with a session: stays_fenced) and activated
      // afresh by this node gets its real table back, not the error target.
      backend.tables().activate(vg, lv);
      backend.tables().fence("vg", "lv");
      assertTrue(backend.tables().liveTable("vg", "lv").orElseThrow().toString().contains("error"));
      backend.coordinator("lvchange -aey vg/lv").activate(vg, lv, "ey");
      assertTrue(
          backend.tables().liveTable("vg", "lv").orElseThrow().toString().contains("linear"),
          "re-activated LV still fenced");
    }
  }

  /**
   * Regression (the fault-injection suite in CI, seed 213502): propagation had read the VG before
   * this node's own lvrename committed; the rename dropped the old device and activated the new
   * name, re-adding an equal activation record; the late reload then created a device under the old
   * name that no activation owned.
   */
  @Test
  void aReloadFromBeforeALocalRenameDoesNotRecreateTheOldName() throws Exception {
    Path pv = formattedPv();
    String text = Files.readString(writeText(dir.resolve("vg.txt")));
    VolumeGroup vg = MetadataText.parse(text).vg();
    VolumeGroup renamed =
        MetadataText.parse(text.replace("\nlv {", "\nlv2 {").replace("seqno = 2", "seqno = 3"))
            .vg();
    String extendedText =
        text.replace("extent_count = 2", "extent_count = 3").replace("seqno = 2", "seqno = 1");

    try (TestNodes nodes = new TestNodes();
        ClusterBackend backend = memoryBackend(pv)) {
      ClusterNode node =
          nodes.node(
              "a",
              nodes.zk.server().getConnectString(),
              FailPoint.NONE,
              Duration.ofSeconds(10),
              Duration.ofSeconds(2));
      backend.attach(node);
      backend.coordinator("lvchange -aey vg/lv").activate(vg, vg.lv("lv").orElseThrow(), "ey");
      // a text older than the one the command loaded (here: seqno 1, another size) changes nothing
      backend.applyCallback().apply(new CommittedVg(VG_UUID, 1, extendedText));
      assertTrue(
          backend.tables().liveTable("vg", "lv").orElseThrow().toString().startsWith("0 16384 "),
          "an older text reloaded the table");

      // lvrename vg lv lv2 on this node: the device moves to the new name
      backend.coordinator("lvrename vg lv lv2").deactivate(vg, vg.lv("lv").orElseThrow());
      backend
          .coordinator("lvrename vg lv lv2")
          .activate(renamed, renamed.lv("lv2").orElseThrow(), "ey");
      // propagation's late reload of the text it read before the rename
      backend.applyCallback().apply(new CommittedVg(VG_UUID, vg.seqno(), text));

      assertFalse(backend.tables().isActive("vg", "lv"), "a device came back under the old name");
      assertTrue(backend.tables().isActive("vg", "lv2"));
    }
  }

  private Path formattedPv() throws Exception {
    Path pv = dir.resolve("pv-clvmtest.img");
    try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    try (FileDevice d = FileDevice.openReadWrite(pv)) {
      PvFormatter.format(d, PvFormatOptions.defaults(PV_UUID));
    }
    return pv;
  }

  /** Node a's backend over {@code pv}, with the in-memory device-mapper. */
  private static ClusterBackend memoryBackend(Path pv) throws Exception {
    return new ClusterBackend(
        DaemonConfig.of(
            Map.of(
                "node.id", "a",
                "devices.devices", pv.toString(),
                "activation.device_mapper", "memory")));
  }

  private static Path writeText(Path p) throws Exception {
    String text =
        String.join(
            "\n",
            "vg {",
            "id = \"" + VG_UUID + "\"",
            "seqno = 2",
            "format = \"lvm2\"",
            "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]",
            "flags = []",
            "extent_size = 8192",
            "max_lv = 0",
            "max_pv = 0",
            "metadata_copies = 0",
            "",
            "physical_volumes {",
            "",
            "pv0 {",
            "id = \"" + PV_UUID + "\"",
            "device = \"/dev/x\"",
            "status = [\"ALLOCATABLE\"]",
            "flags = []",
            "dev_size = 131072",
            "pe_start = 2048",
            "pe_count = 15",
            "}",
            "}",
            "",
            "logical_volumes {",
            "",
            "lv {",
            "id = \"" + LV_UUID + "\"",
            "status = [\"READ\", \"WRITE\", \"VISIBLE\"]",
            "flags = []",
            "segment_count = 1",
            "",
            "segment1 {",
            "start_extent = 0",
            "extent_count = 2",
            "",
            "type = \"striped\"",
            "stripe_count = 1",
            "",
            "stripes = [",
            "\"pv0\", 0",
            "]",
            "}",
            "}",
            "}",
            "}",
            "contents = \"Text Format Volume Group\"",
            "version = 1",
            "description = \"\"",
            "creation_host = \"h\"",
            "creation_time = 1",
            "");
    return Files.writeString(p, text);
  }
}
