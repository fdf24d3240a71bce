package io.clvm.cluster.commit;

/**
 * What the holder of a VG lock has already checked of its VG during this hold: the {@code state}
 * znode's version and seqno, and whether the metadata areas were seen at that seqno. The engine's
 * command takes the lock once, checks the VG (the reader's repair), and then commits under the same
 * lock: with this it does not read {@code state} again and does not read every PV's metadata again
 * for the roll-forward check, two steps that cost a ZooKeeper round trip and a scan of every device
 * while every other node waits for the lock.
 *
 * <p>Why that is safe: while the lock is held nobody else commits to the VG (and a lost lock is
 * caught twice: the connection guard's token before every write, and the commit point's version
 * check on {@code state}, which fails if anyone else committed). Any failure forgets what was
 * known, so the next commit reads both again. One lock hold's: in clvmd several commands of a node
 * share a hold (io.clvm.daemon.backend.VgHold), which guards it with its mutex; not thread-safe.
 */
public final class HeldState {
  private boolean known;
  private int version;
  private long seqno;
  private boolean disksCurrent;

  /** Nothing known yet: the first commit reads {@code state} and checks the disks. */
  public HeldState() {}

  boolean known() {
    return known;
  }

  int version() {
    return version;
  }

  long seqno() {
    return seqno;
  }

  boolean disksCurrent() {
    return disksCurrent;
  }

  /** {@code state} read at {@code version} with {@code seqno}; the disks are at it or not. */
  void seen(int version, long seqno, boolean disksCurrent) {
    this.known = true;
    this.version = version;
    this.seqno = seqno;
    this.disksCurrent = disksCurrent;
  }

  /** Something failed, or a commit went another way: the next commit reads everything again. */
  public void forget() {
    known = false;
  }

  @Override
  public String toString() {
    return known
        ? "HeldState[v" + version + " seqno " + seqno + " disks " + disksCurrent + "]"
        : "HeldState[unknown]";
  }
}
