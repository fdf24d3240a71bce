/**
 * LVM2's binary on-disk structures, byte for byte as lvm2 2.03 writes them: the {@link
 * io.clvm.format.disk.LvmCrc CRC variant}, the label sector ({@link
 * io.clvm.format.disk.LabelReader}, {@link io.clvm.format.disk.LabelWriter}) with the PV header and
 * its extension, the metadata area header ({@link io.clvm.format.disk.MdaHeaderCodec}), the
 * circular text buffer ({@link io.clvm.format.disk.MetadataBuffer}), {@code pvcreate}'s layout
 * ({@link io.clvm.format.disk.PvFormatter}) and {@code pvck --dump headers} ({@link
 * io.clvm.format.disk.HeadersDump}).
 *
 * <p>Devices are {@link io.clvm.format.disk.DiskDevice}s: block devices and regular files ({@link
 * io.clvm.format.disk.FileDevice}, {@code O_DIRECT} on block devices) or memory ({@link
 * io.clvm.format.disk.MemoryDevice}). Every write is widened to whole logical blocks, so 4096-byte
 * sector devices never see a partial-block write. Decoders validate in lvm2's order and throw
 * {@link io.clvm.format.MetadataException}s naming device, offset, structure and reason.
 */
package io.clvm.format.disk;
