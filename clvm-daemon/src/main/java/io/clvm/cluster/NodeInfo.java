package io.clvm.cluster;

/** Payload of the ephemeral {@code nodes/<node-id>} znode. */
public record NodeInfo(String node, String host, long pid, String version, long started) {}
