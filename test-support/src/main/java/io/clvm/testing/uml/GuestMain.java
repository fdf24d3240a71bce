package io.clvm.testing.uml;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The program the User-Mode Linux guest runs: executes the selected in-guest test classes through
 * the JUnit Platform Launcher, in this one JVM, and writes every result to a properties file on the
 * shared file system for the host to read ({@link GuestResults}).
 *
 * <pre>
 * GuestMain RESULTS_FILE [--package PKG]... [--class CLASS]... [--include REGEX]
 * </pre>
 *
 * <p>Package selections include only classes whose names match {@code --include} (default {@code
 * .*InGuest}), so that the host's surefire never runs them by name convention.
 */
public final class GuestMain {
  private GuestMain() {}

  public static void main(String[] args) throws IOException {
    long mainStart = System.currentTimeMillis();
    if (args.length < 1) {
      System.err.println("usage: GuestMain RESULTS_FILE [--package PKG]... [--class CLASS]...");
      System.exit(2);
    }
    Path results = Path.of(args[0]);
    List<DiscoverySelector> selectors = new ArrayList<>();
    String include = ".*InGuest";
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--package" -> selectors.add(selectPackage(args[i + 1]));
        case "--class" -> selectors.add(selectClass(args[i + 1]));
        case "--include" -> include = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectors)
            .filters(includeClassNamePatterns(include))
            .build();
    Recorder recorder = new Recorder();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, recorder);

    Properties p = recorder.properties;
    p.setProperty("count", Integer.toString(recorder.count));
    p.setProperty(
        "jvm.startTime", Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime()));
    p.setProperty("main.startTime", Long.toString(mainStart));
    p.setProperty("main.endTime", Long.toString(System.currentTimeMillis()));
    p.setProperty("kernel", System.getProperty("os.version"));
    Path tmp = results.resolveSibling(results.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "clvm in-guest test results");
    }
    Files.move(tmp, results, StandardCopyOption.REPLACE_EXISTING);
    System.exit(recorder.failed ? 1 : 0);
  }

  /** Records each finished test, and each failed container (a failing {@code @BeforeAll}). */
  static final class Recorder implements TestExecutionListener {
    final Properties properties = new Properties();
    int count;
    boolean failed;
    private final java.util.Map<String, Long> started = new java.util.HashMap<>();

    @Override
    public void executionStarted(TestIdentifier id) {
      started.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
      if (!id.isTest()) return;
      record(id, "SKIPPED", 0, reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      boolean bad = result.getStatus() == TestExecutionResult.Status.FAILED;
      if (!id.isTest() && !bad) return;
      Long t0 = started.get(id.getUniqueId());
      long millis = t0 == null ? 0 : (System.nanoTime() - t0) / 1_000_000;
      String detail =
          result
              .getThrowable()
              .map(
                  t -> {
                    StringWriter w = new StringWriter();
                    t.printStackTrace(new PrintWriter(w));
                    return w.toString();
                  })
              .orElse("");
      if (bad) failed = true;
      record(id, result.getStatus().name(), millis, detail);
    }

    private void record(TestIdentifier id, String status, long millis, String detail) {
      String k = Integer.toString(count++);
      properties.setProperty(k + ".id", id.getUniqueId());
      properties.setProperty(
          k + ".name", GuestResults.readableName(id.getUniqueId(), id.getDisplayName()));
      properties.setProperty(k + ".status", status);
      properties.setProperty(k + ".millis", Long.toString(millis));
      properties.setProperty(k + ".detail", detail);
    }
  }
}
