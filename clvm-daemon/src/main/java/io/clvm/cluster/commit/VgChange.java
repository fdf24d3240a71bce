package io.clvm.cluster.commit;

import java.io.IOException;

/**
 * The engine's part of a commit: computes the new VG from the committed one, under the VG lock.
 * Allocation happens here, against {@code current} only. Throwing aborts the commit with nothing
 * written.
 */
@FunctionalInterface
public interface VgChange {
  NewVg compute(CommittedVg current, long newSeqno) throws IOException;

  /**
   * Whether {@link #compute} reads {@code current.text()}. A change computed before the protocol
   * (the engine allocates against the VG it read from the disks under the same lock, and only
   * checks the seqno) answers false, and the commit skips reading and unzipping the copy of record
   * from ZooKeeper: {@code current} then carries the state's seqno and a null text. The state and
   * the copy of record change together in one multi(), so their seqnos agree.
   */
  default boolean readsCurrentText() {
    return true;
  }

  /**
   * {@code compute} as a change that reads only the current seqno (see {@link #readsCurrentText}).
   */
  static VgChange seqnoOnly(VgChange compute) {
    return new VgChange() {
      @Override
      public NewVg compute(CommittedVg current, long newSeqno) throws IOException {
        return compute.compute(current, newSeqno);
      }

      @Override
      public boolean readsCurrentText() {
        return false;
      }
    };
  }
}
