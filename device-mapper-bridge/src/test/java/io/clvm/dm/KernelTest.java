package io.clvm.dm;

import io.clvm.testing.RequiresKernel;
import io.clvm.testing.uml.GuestResults;
import io.clvm.testing.uml.UmlGuest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The real-kernel tier: boots ONE User-Mode Linux guest that runs every {@code *InGuest} class of
 * {@code io.clvm.dm.kernel} in one JVM, and reports each of them here as a test of its own.
 */
@RequiresKernel
class KernelTest {
  @TestFactory
  Stream<DynamicTest> inGuest() throws Exception {
    GuestResults results = UmlGuest.forPackage("io.clvm.dm.kernel").run();
    return UmlGuest.asDynamicTests(results);
  }
}
