package io.clvm.it.kernel;

import io.clvm.testing.RequiresKernel;
import io.clvm.testing.uml.GuestResults;
import io.clvm.testing.uml.UmlGuest;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Cluster mode on a real kernel: ONE User-Mode Linux guest runs the {@code *InGuest} classes of
 * {@code io.clvm.it.kernel} (two clvmd sharing the guest's device-mapper, ZooKeeper in the guest's
 * test JVM); each in-guest test is reported here as a test of its own. See docs/kernel-tests.md.
 */
@RequiresKernel
class ClusterKernelTest {
  @TestFactory
  Stream<DynamicTest> inGuest() throws Exception {
    GuestResults results =
        UmlGuest.forPackage("io.clvm.it.kernel").timeout(Duration.ofMinutes(4)).run();
    return UmlGuest.asDynamicTests(results);
  }
}
