package io.clvm.dm;

/**
 * A device-mapper ioctl interface version, {@code major.minor.patch} (4.47.0 on Linux 6.1).
 *
 * @param major incompatible changes
 * @param minor compatible additions
 * @param patch fixes
 */
public record DriverVersion(int major, int minor, int patch) implements Comparable<DriverVersion> {
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public int compareTo(DriverVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) c = Integer.compare(minor, o.minor);
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
