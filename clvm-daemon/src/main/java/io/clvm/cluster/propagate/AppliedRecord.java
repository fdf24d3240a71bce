package io.clvm.cluster.propagate;

/** Payload of {@code vgs/<uuid>/applied/<node>}: the seqno whose tables that node has loaded. */
public record AppliedRecord(long seqno, long time) {}
