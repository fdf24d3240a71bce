package io.clvm.testing.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestResultsTest {
  @TempDir Path dir;

  @Test
  void readsWhatGuestMainWrites() throws Exception {
    Properties p = new Properties();
    p.setProperty("count", "2");
    p.setProperty("0.name", "AInGuest#ok()");
    p.setProperty("0.status", "SUCCESSFUL");
    p.setProperty("0.millis", "12");
    p.setProperty("1.name", "AInGuest#bad()");
    p.setProperty("1.status", "FAILED");
    p.setProperty("1.detail", "java.lang.AssertionError: boom\n\tat x");
    p.setProperty("jvm.startTime", "1500");
    p.setProperty("main.startTime", "2000");
    p.setProperty("main.endTime", "5000");
    p.setProperty("kernel", "6.1.176");
    Path f = dir.resolve("results.properties");
    try (OutputStream out = Files.newOutputStream(f)) {
      p.store(out, null);
    }
    GuestResults r = GuestResults.read(f, 1000, 6000);
    assertEquals(2, r.tests().size());
    assertEquals(1, r.failures().size());
    assertEquals("java.lang.AssertionError: boom\n\tat x", r.failures().get(0).detail());
    assertEquals(500, r.bootMillis());
    assertEquals(500, r.jvmStartMillis());
    assertEquals(3000, r.testMillis());
    assertEquals(5000, r.totalMillis());
    assertTrue(r.summary().contains("2 in-guest tests on Linux 6.1.176: 1 passed, 1 failed"));
  }

  @Test
  void readableNames() {
    assertEquals(
        "KernelBasicsInGuest#versionAndTargets()",
        GuestResults.readableName(
            "[engine:junit-jupiter]/[class:io.clvm.dm.kernel.KernelBasicsInGuest]"
                + "/[method:versionAndTargets()]",
            "versionAndTargets()"));
    assertEquals(
        "XInGuest#p(int) [1] 3",
        GuestResults.readableName(
            "[engine:junit-jupiter]/[class:a.XInGuest]/[test-template:p(int)]"
                + "/[test-template-invocation:#1]",
            "[1] 3"));
    assertEquals(
        "XInGuest", GuestResults.readableName("[engine:junit-jupiter]/[class:a.XInGuest]", "X"));
  }

  @Test
  void findsTheProjectRootAndTheClassPath() {
    assertTrue(Files.isExecutable(UmlGuest.projectRoot().resolve("scripts/uml-run.sh")));
    assertTrue(UmlGuest.testClassPath().contains("test-classes"), UmlGuest.testClassPath());
  }
}
