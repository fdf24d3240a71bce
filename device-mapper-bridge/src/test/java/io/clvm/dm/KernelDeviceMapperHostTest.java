package io.clvm.dm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** On a kernel without device-mapper (this build machine's) opening fails, saying so. */
class KernelDeviceMapperHostTest {
  @Test
  void noDeviceMapperIsAClearError() {
    assumeFalse(hasDeviceMapper(), "this kernel has device-mapper");
    DeviceMapperException e = assertThrows(DeviceMapperException.class, KernelDeviceMapper::open);
    assertTrue(e.getMessage().contains("no device-mapper"), e.getMessage());
    assertTrue(e.getMessage().contains("/dev/mapper/control"), e.getMessage());
  }

  /** The node may exist (a static /dev) while the driver does not: ask /proc/misc. */
  static boolean hasDeviceMapper() {
    try {
      return Files.readString(Path.of("/proc/misc")).contains("device-mapper");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
