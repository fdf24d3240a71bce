package io.clvm.format.disk;

/**
 * {@code struct disk_locn}: an area of the device, in bytes. In the data-area list size 0 means "to
 * the end of the device".
 */
public record DiskLocn(long offset, long size) {}
