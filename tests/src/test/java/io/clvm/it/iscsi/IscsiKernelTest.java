package io.clvm.it.iscsi;

import io.clvm.testing.RequiresKernel;
import io.clvm.testing.uml.GuestResults;
import io.clvm.testing.uml.UmlGuest;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The iSCSI tier: ONE User-Mode Linux guest runs every {@code *InGuest} class of {@code
 * io.clvm.it.iscsi} (tgtd, iscsid, dm-multipath and clvm, all inside it) in one JVM; each in-guest
 * test is reported here as a test of its own. See docs/iscsi.md.
 */
@RequiresKernel
class IscsiKernelTest {
  @TestFactory
  Stream<DynamicTest> inGuest() throws Exception {
    GuestResults results =
        UmlGuest.forPackage("io.clvm.it.iscsi")
            // -Dclvm.iscsi.include=.*Cluster.* runs one scenario (a regex over the full class name)
            .include(System.getProperty("clvm.iscsi.include", ".*InGuest"))
            .timeout(Duration.ofMinutes(6))
            .run();
    return UmlGuest.asDynamicTests(results);
  }
}
