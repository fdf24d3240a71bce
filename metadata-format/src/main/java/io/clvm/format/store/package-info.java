/**
 * A VG's metadata text on its PVs, as lvm2 keeps it: every in-use metadata area of every PV holds
 * the same text, and the copy with the highest seqno wins.
 *
 * <p>Reading ({@link io.clvm.format.store.MetadataStore#read}) scans labels and areas, verifies
 * every CRC, skips ignored areas, and returns the winning copy together with stale and mismatched
 * copies and every problem found ({@link io.clvm.format.store.VgRead}); it never writes and never
 * repairs. Committing ({@link io.clvm.format.store.MetadataStore#commit}, or {@link
 * io.clvm.format.store.MetadataStore#precommit} then {@link
 * io.clvm.format.store.PreparedCommit#commit} for a cluster protocol) checks the text, the seqno
 * against every copy on disk and the space in every area before the first write, then writes the
 * text, the precommit slot and the commit slot in that order.
 *
 * <p>The API is text in, text out: the model layer prints and parses the text.
 */
package io.clvm.format.store;
