package io.clvm.cli.kernel;

import io.clvm.testing.RequiresKernel;
import io.clvm.testing.uml.GuestResults;
import io.clvm.testing.uml.UmlGuest;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * clvm-cli's real-kernel tier: ONE User-Mode Linux guest runs every {@code *InGuest} class of
 * {@code io.clvm.cli.kernel} (lvm2 and clvm side by side on the guest's device-mapper); each
 * in-guest test is reported here as a test of its own. See docs/kernel-tests.md.
 */
@RequiresKernel
class CliKernelTest {
  @TestFactory
  Stream<DynamicTest> inGuest() throws Exception {
    GuestResults results =
        UmlGuest.forPackage("io.clvm.cli.kernel").timeout(Duration.ofMinutes(5)).run();
    return UmlGuest.asDynamicTests(results);
  }
}
