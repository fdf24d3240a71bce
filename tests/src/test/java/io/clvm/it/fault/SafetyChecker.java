package io.clvm.it.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clvm.format.disk.FileDevice;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.PhysicalVolume;
import io.clvm.format.model.Segment;
import io.clvm.format.model.Stripe;
import io.clvm.format.model.StripedSegment;
import io.clvm.format.model.VolumeGroup;
import io.clvm.format.store.AreaScan;
import io.clvm.format.store.MetadataCopy;
import io.clvm.format.store.MetadataStore;
import io.clvm.format.store.PvScan;
import io.clvm.testing.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The oracle. It is fed every committed VG the test can observe (ZooKeeper's copy of record, read
 * after each operation and by a sampler; every metadata area's committed copy on the disks,
 * sampled) and the activation znodes, and records a {@link Violation} (with the history around it)
 * when:
 *
 * <ul>
 *   <li>one seqno is seen with two different texts (two copies, or ZooKeeper and a disk);
 *   <li>seqnos do not strictly increase with ZooKeeper's modification order, or a metadata area's
 *       committed seqno goes back, or the disks are ahead of ZooKeeper;
 *   <li>a committed VG assigns a physical extent to two LVs (or one beyond its PV);
 *   <li>an LV is active exclusively on one node and active on another at the same time;
 *   <li>(the workload reports) an acknowledged change is not in the committed VG.
 * </ul>
 */
final class SafetyChecker {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A broken invariant, with the history around it. */
  record Violation(long time, String what, String history) {
    @Override
    public String toString() {
      return "at " + time + " ms: " + what + "\n  history around it:\n" + history;
    }
  }

  /** ZooKeeper's copy of record as read once. */
  record Committed(long mzxid, long seqno, String text, VolumeGroup vg) {}

  private final History history;
  private final CuratorFramework zk;
  private final List<Path> pvs;
  private volatile String vgUuid;
  private final Map<Long, String> textBySeqno = new HashMap<>();
  private final Map<Long, String> sourceBySeqno = new HashMap<>();
  private final Map<Long, VolumeGroup> parsed = new HashMap<>();
  private final TreeMap<Long, Long> seqnoByMzxid = new TreeMap<>();
  private final Map<String, Long> diskSeqnoByArea = new HashMap<>();
  private final List<Violation> violations = new ArrayList<>();
  private long zkReads;
  private long diskSamples;
  private long diskCopies;
  private long unreadableCopies;
  private long activationSamples;
  private long maxSeqno;

  SafetyChecker(History history, CuratorFramework zk, List<Path> pvs) {
    this.history = history;
    this.zk = zk;
    this.pvs = List.copyOf(pvs);
  }

  void vgUuid(String uuid) {
    this.vgUuid = uuid;
  }

  String vgUuid() {
    return vgUuid;
  }

  synchronized void violation(String what) {
    long t = history.now();
    violations.add(new Violation(t, what, history.around(t - 5000, t, 40)));
  }

  synchronized List<Violation> violations() {
    return new ArrayList<>(violations);
  }

  synchronized String summary() {
    return String.format(
        "checker: %d ZooKeeper reads, %d disk samples (%d copies, %d unreadable while being"
            + " written or corrupted), %d activation samples, %d distinct seqnos (highest %d),"
            + " %d violations",
        zkReads,
        diskSamples,
        diskCopies,
        unreadableCopies,
        activationSamples,
        textBySeqno.size(),
        maxSeqno,
        violations.size());
  }

  // ---------------------------------------------------------------- ZooKeeper's copy of record

  /** Reads the copy of record, or null when ZooKeeper cannot answer now. */
  Committed tryReadZk() {
    try {
      // A read is served by whichever server the client is connected to, and a follower may be
      // a few transactions behind the quorum that acknowledged a commit (more so just after it
      // was restarted): a sync first makes the read see everything committed before it, which
      // the disk sample's "none ahead of ZooKeeper" relies on.
      syncWithLeader(FaultCluster.ROOT + "/vgs/" + vgUuid + "/metadata");
      Stat st = new Stat();
      byte[] data =
          zk.getData()
              .storingStatIn(st)
              .forPath(FaultCluster.ROOT + "/vgs/" + vgUuid + "/metadata");
      JsonNode blob;
      try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
        blob = JSON.readTree(gz.readAllBytes());
      }
      long seqno = blob.path("seqno").asLong();
      String text = blob.path("text").asText();
      VolumeGroup vg = committed("zookeeper", st.getMzxid(), seqno, text);
      return new Committed(st.getMzxid(), seqno, text, vg);
    } catch (Exception e) {
      return null;
    }
  }

  private void syncWithLeader(String path) throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    int[] rc = {-1};
    zk.sync()
        .inBackground(
            (client, event) -> {
              rc[0] = event.getResultCode();
              done.countDown();
            })
        .forPath(path);
    if (!done.await(10, java.util.concurrent.TimeUnit.SECONDS) || rc[0] != 0) {
      throw new IOException("ZooKeeper sync did not complete (" + rc[0] + ")");
    }
  }

  /** Reads the copy of record, waiting (bounded, generously) for ZooKeeper to answer. */
  Committed readZk() {
    return Await.value("ZooKeeper's copy of record", Duration.ofSeconds(300), this::tryReadZk);
  }

  /** One observation of a committed text; returns its VG. */
  synchronized VolumeGroup committed(String source, long mzxid, long seqno, String text) {
    if (source.equals("zookeeper")) {
      zkReads++;
      Map.Entry<Long, Long> lower = seqnoByMzxid.floorEntry(mzxid);
      Map.Entry<Long, Long> higher = seqnoByMzxid.higherEntry(mzxid);
      if (lower != null && lower.getKey() == mzxid && lower.getValue() != seqno) {
        violation(
            "ZooKeeper's record at zxid "
                + mzxid
                + " read as seqno "
                + lower.getValue()
                + " and "
                + seqno);
      } else if (lower != null && lower.getKey() < mzxid && lower.getValue() >= seqno) {
        violation(
            "seqno did not increase: zxid "
                + lower.getKey()
                + " had seqno "
                + lower.getValue()
                + ", later zxid "
                + mzxid
                + " has seqno "
                + seqno);
      } else if (higher != null && higher.getValue() <= seqno) {
        violation(
            "seqno did not increase: zxid "
                + mzxid
                + " has seqno "
                + seqno
                + ", later zxid "
                + higher.getKey()
                + " has seqno "
                + higher.getValue());
      }
      seqnoByMzxid.put(mzxid, seqno);
    }
    maxSeqno = Math.max(maxSeqno, seqno);
    String known = textBySeqno.get(seqno);
    if (known == null) {
      textBySeqno.put(seqno, text);
      sourceBySeqno.put(seqno, source);
    } else if (!known.equals(text)) {
      violation(
          "seqno "
              + seqno
              + " has two different texts: "
              + sourceBySeqno.get(seqno)
              + " vs "
              + source
              + "\n"
              + diff(known, text));
      return parse(text, seqno, source);
    }
    VolumeGroup vg = parsed.get(seqno);
    if (vg == null) {
      vg = parse(text, seqno, source);
      if (vg != null) {
        parsed.put(seqno, vg);
        checkExtents(vg, source);
      }
    }
    return vg;
  }

  private VolumeGroup parse(String text, long seqno, String source) {
    try {
      VolumeGroup vg = MetadataText.parse(text).vg();
      if (vg.seqno() != seqno) {
        violation(source + ": record says seqno " + seqno + ", its text " + vg.seqno());
      }
      return vg;
    } catch (IOException | RuntimeException e) {
      violation(source + ": committed text of seqno " + seqno + " does not parse: " + e);
      return null;
    }
  }

  private static String diff(String a, String b) {
    String[] x = a.split("\n");
    String[] y = b.split("\n");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].equals(y[i])) {
        return "    first difference, line " + (i + 1) + ": '" + x[i] + "' vs '" + y[i] + "'";
      }
    }
    return "    lengths " + x.length + " vs " + y.length + " lines";
  }

  /** No extent of any PV is assigned twice, none lies beyond its PV. */
  private void checkExtents(VolumeGroup vg, String source) {
    Map<String, String[]> owner = new HashMap<>();
    for (PhysicalVolume pv : vg.pvs()) {
      owner.put(pv.id().raw(), new String[(int) pv.peCount()]);
    }
    for (LogicalVolume lv : vg.lvs()) {
      for (Segment s : lv.segments()) {
        if (!(s instanceof StripedSegment seg)) {
          violation(
              source
                  + " seqno "
                  + vg.seqno()
                  + ": "
                  + lv.name()
                  + " has a segment of an"
                  + " unexpected type: "
                  + s);
          continue;
        }
        long perStripe = seg.areaLength();
        for (Stripe st : seg.stripes()) {
          String[] used = owner.get(st.pv().raw());
          if (used == null) {
            violation(
                source + " seqno " + vg.seqno() + ": " + lv.name() + " maps unknown PV " + st.pv());
            continue;
          }
          for (long pe = st.startExtent(); pe < st.startExtent() + perStripe; pe++) {
            if (pe >= used.length) {
              violation(
                  source
                      + " seqno "
                      + vg.seqno()
                      + ": "
                      + lv.name()
                      + " maps extent "
                      + pe
                      + " beyond its PV ("
                      + used.length
                      + " extents)");
              break;
            }
            if (used[(int) pe] != null) {
              violation(
                  source
                      + " seqno "
                      + vg.seqno()
                      + ": extent "
                      + pe
                      + " of PV "
                      + st.pv()
                      + " assigned to both "
                      + used[(int) pe]
                      + " and "
                      + lv.name());
              return;
            }
            used[(int) pe] = lv.name();
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- disks

  /** Every metadata area's committed copy, read now; unreadable copies listed by their problem. */
  record DiskRead(List<MetadataCopy> copies, List<String> problems) {}

  DiskRead readDisks() throws IOException {
    List<FileDevice> devs = new ArrayList<>();
    try {
      for (Path p : pvs) {
        devs.add(FileDevice.openReadOnly(p));
      }
      List<MetadataCopy> copies = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (PvScan s : MetadataStore.scan(devs)) {
        for (AreaScan a : s.areas()) {
          if (a.inUse()) {
            a.copy().ifPresent(copies::add);
          }
        }
        s.problems().forEach(e -> problems.add(e.getMessage()));
      }
      return new DiskRead(copies, problems);
    } finally {
      for (FileDevice d : devs) {
        d.close();
      }
    }
  }

  /**
   * A sample of the disks: every readable committed copy is a committed text (same seqno, same text
   * as everywhere else), each area's seqno never goes back, and none is ahead of the seqno
   * ZooKeeper had committed when the sample was taken ({@code zkAfter}, read after the disks).
   */
  synchronized void disks(DiskRead read, Committed zkAfter, boolean quiescent) {
    diskSamples++;
    unreadableCopies += read.problems().size();
    if (quiescent && !read.problems().isEmpty()) {
      violation("at rest, metadata areas are unreadable: " + read.problems());
    }
    for (MetadataCopy c : read.copies()) {
      if (vgUuid != null && !c.vgId().replace("-", "").equals(vgUuid.replace("-", ""))) {
        continue;
      }
      diskCopies++;
      String area = c.pvUuid() + "/" + c.mdaName();
      Long before = diskSeqnoByArea.put(area, c.seqno());
      if (before != null && before > c.seqno()) {
        violation(
            "metadata area "
                + c.device()
                + " "
                + c.mdaName()
                + " went back from seqno "
                + before
                + " to "
                + c.seqno());
      }
      if (zkAfter != null && c.seqno() > zkAfter.seqno()) {
        violation(
            "metadata area "
                + c.device()
                + " "
                + c.mdaName()
                + " has seqno "
                + c.seqno()
                + ", ahead of ZooKeeper's "
                + zkAfter.seqno());
      }
      committed(
          "disk " + Path.of(c.device()).getFileName() + " " + c.mdaName(),
          -1,
          c.seqno(),
          c.textString());
    }
  }

  // ---------------------------------------------------------------- activations

  /** lv uuid -> node -> mode, as ZooKeeper has it now (with each znode's session). */
  record Active(String mode, long session) {}

  Map<String, Map<String, Active>> readActivations() throws Exception {
    Map<String, Map<String, Active>> out = new LinkedHashMap<>();
    String lvs = FaultCluster.ROOT + "/vgs/" + vgUuid + "/lvs";
    List<String> lvList;
    try {
      lvList = zk.getChildren().forPath(lvs);
    } catch (KeeperException.NoNodeException e) {
      return out;
    }
    for (String lv : lvList) {
      List<String> nodes;
      try {
        nodes = zk.getChildren().forPath(lvs + "/" + lv + "/active");
      } catch (KeeperException.NoNodeException e) {
        continue;
      }
      Map<String, Active> on = new TreeMap<>();
      for (String n : nodes) {
        try {
          Stat st = new Stat();
          byte[] d = zk.getData().storingStatIn(st).forPath(lvs + "/" + lv + "/active/" + n);
          on.put(n, new Active(JSON.readTree(d).path("mode").asText(), st.getEphemeralOwner()));
        } catch (KeeperException.NoNodeException e) {
          // deactivated meanwhile
        }
      }
      if (!on.isEmpty()) {
        out.put(lv, on);
      }
    }
    return out;
  }

  /** Exclusive means exclusive: an LV active {@code ex} on one node is active nowhere else. */
  synchronized void activations(Map<String, Map<String, Active>> sample) {
    activationSamples++;
    sample.forEach(
        (lv, on) -> {
          boolean ex = on.values().stream().anyMatch(a -> a.mode().equals("ex"));
          if (ex && on.size() > 1) {
            violation("LV " + lv + " is active exclusively and on more than one node: " + on);
          }
        });
  }
}
