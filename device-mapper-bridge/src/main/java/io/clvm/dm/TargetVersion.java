package io.clvm.dm;

/**
 * A target type the kernel knows ({@code dmsetup targets}).
 *
 * @param name the target type, e.g. {@code striped}
 * @param version its version
 */
public record TargetVersion(String name, DriverVersion version) {}
