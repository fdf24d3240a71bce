package io.clvm.dm;

/**
 * The status of one target of a live table ({@code dmsetup status}).
 *
 * @param start the first sector of the line
 * @param length its length
 * @param type the target type
 * @param status the target's status string, verbatim
 */
public record TargetStatus(Sectors start, Sectors length, String type, String status) {}
