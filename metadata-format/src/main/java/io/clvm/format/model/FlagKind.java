package io.clvm.format.model;

/**
 * Where lvm2 writes a flag word: in the {@code status} list (a reader must understand every word,
 * an unknown one is an error) or in the {@code flags} list (compatible words an older reader may
 * ignore).
 */
public enum FlagKind {
  STATUS,
  COMPATIBLE
}
