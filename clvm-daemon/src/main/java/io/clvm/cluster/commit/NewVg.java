package io.clvm.cluster.commit;

import java.util.Set;

/**
 * What a {@link VgChange} computed: the new metadata text (its {@code seqno} field must be the
 * seqno it was given) and the LVs whose geometry changed, whose active nodes the committer waits
 * for.
 */
public record NewVg(String text, Set<String> changedLvUuids) {}
