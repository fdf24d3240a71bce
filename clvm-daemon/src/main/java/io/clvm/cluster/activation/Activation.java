package io.clvm.cluster.activation;

/** One node's activation of one LV: the {@code lvs/<lv>/active/<node>} znode. */
public record Activation(String vgUuid, String lvUuid, String node, ActivationMode mode) {}
