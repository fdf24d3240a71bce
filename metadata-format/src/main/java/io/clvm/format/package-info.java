/**
 * The LVM2 on-disk format. {@link io.clvm.format.MetadataException} is the one exception family for
 * corrupt, unsupported or inconsistent metadata; it extends {@link java.io.IOException} because
 * corrupt data reaches callers through the same paths as failing reads.
 */
package io.clvm.format;
