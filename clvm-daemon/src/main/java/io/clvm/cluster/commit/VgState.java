package io.clvm.cluster.commit;

import java.util.List;

/** Payload of {@code vgs/<uuid>/state}: the committed seqno and where the disks hold it. */
public record VgState(long seqno, List<MdaState> mdas, String committer, long time) {}
