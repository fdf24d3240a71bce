package io.clvm.testing.uml;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs in-guest tests on a real Linux kernel with device-mapper: ONE User-Mode Linux guest (project
 * script {@code scripts/uml-run.sh}) starts ONE JVM with this test JVM's class path (the guest
 * shares the host's root file system, so every path is the same) and runs {@link GuestMain} on the
 * selected test classes; the results come back through a file. Starting a JVM inside UML costs
 * about half a second and every system call is slow there, so all kernel tests of a module share
 * one guest.
 *
 * <p>The guest JVM gets the same JaCoCo agent as this JVM (when there is one), writing to the same
 * file, so code run in the guest counts for coverage.
 */
public final class UmlGuest {
  private final List<String> selection = new ArrayList<>();
  private String include = ".*InGuest";
  private String memory = "2G";
  private Duration timeout = Duration.ofMinutes(20);
  private String maxHeap = "768m";

  private UmlGuest() {}

  /** A guest that will run the {@code *InGuest} classes of {@code packageName}. */
  public static UmlGuest forPackage(String packageName) {
    UmlGuest g = new UmlGuest();
    g.selection.add("--package");
    g.selection.add(packageName);
    return g;
  }

  /** Adds a class to run (whatever its name). */
  public UmlGuest andClass(Class<?> testClass) {
    selection.add("--class");
    selection.add(testClass.getName());
    return this;
  }

  /** Which class names of the selected packages run (a regular expression). */
  public UmlGuest include(String classNameRegex) {
    this.include = classNameRegex;
    return this;
  }

  /** The guest's memory (UML's {@code mem=}); 2G or more for a JVM. */
  public UmlGuest memory(String umlMem) {
    this.memory = umlMem;
    return this;
  }

  /** How long the whole guest run may take. */
  public UmlGuest timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** Boots the guest, runs the tests, powers it off, and returns what they reported. */
  public GuestResults run() throws IOException, InterruptedException {
    Path root = projectRoot();
    Path script = root.resolve("scripts/uml-run.sh");
    Path work = Path.of("target", "uml").toAbsolutePath();
    Files.createDirectories(work);
    Path results = work.resolve("results.properties");
    Path stdout = work.resolve("guest-stdout.log");
    Path stderr = work.resolve("guest-stderr.log");
    Path console = work.resolve("guest-console.log");
    Files.deleteIfExists(results);

    List<String> cmd = new ArrayList<>();
    cmd.add(script.toString());
    cmd.add("--");
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Djava.io.tmpdir=/tmp");
    jacocoAgent().ifPresent(cmd::add);
    cmd.add("-cp");
    cmd.add(testClassPath());
    cmd.add(GuestMain.class.getName());
    cmd.add(results.toString());
    cmd.addAll(selection);
    cmd.add("--include");
    cmd.add(include);

    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().put("UML_MEM", memory);
    pb.environment().put("UML_TIMEOUT", Long.toString(timeout.toSeconds()));
    pb.environment().put("UML_PRIVATE_TMP", "1");
    pb.environment().put("UML_CONSOLE_LOG", console.toString());
    pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    long launched = System.currentTimeMillis();
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds() + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "UML guest did not finish within " + timeout + logs(stdout, stderr, console));
    }
    long ended = System.currentTimeMillis();
    if (!Files.exists(results)) {
      throw new AssertionError(
          "UML guest wrote no results (exit status "
              + p.exitValue()
              + ", command "
              + String.join(" ", cmd)
              + ")"
              + logs(stdout, stderr, console));
    }
    GuestResults r = GuestResults.read(results, launched, ended);
    if (r.tests().isEmpty()) {
      throw new AssertionError(
          "the guest ran no tests for " + selection + logs(stdout, stderr, console));
    }
    return r;
  }

  /** One dynamic test per in-guest test, failing with the guest's failure. */
  public static Stream<DynamicTest> asDynamicTests(GuestResults r) {
    System.out.println(r.summary());
    return r.tests().stream()
        .map(
            t ->
                DynamicTest.dynamicTest(
                    t.name() + " [in guest, " + t.millis() + " ms]",
                    () -> {
                      switch (t.status()) {
                        case "SUCCESSFUL" -> {}
                        case "SKIPPED", "ABORTED" ->
                            org.junit.jupiter.api.Assumptions.abort(
                                "skipped in the guest: " + firstLine(t.detail()));
                        default ->
                            throw new AssertionError(
                                "in-guest test " + t.name() + " failed:\n" + t.detail());
                      }
                    }));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String logs(Path... files) {
    StringBuilder b = new StringBuilder();
    for (Path f : files) {
      try {
        if (!Files.exists(f)) continue;
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        b.append("\n--- ").append(f.getFileName()).append(" (last 40 lines) ---\n");
        for (String l : lines.subList(Math.max(0, lines.size() - 40), lines.size())) {
          b.append(l).append('\n');
        }
      } catch (IOException e) {
        b.append("\n(cannot read ").append(f).append(": ").append(e).append(")");
      }
    }
    return b.toString();
  }

  /** The test class path: surefire's real one, not its manifest-only booter jar. */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
    StringBuilder b = new StringBuilder();
    for (String e : cp.split(File.pathSeparator)) {
      if (e.isBlank()) continue;
      if (b.length() > 0) b.append(File.pathSeparator);
      b.append(Path.of(e).toAbsolutePath());
    }
    return b.toString();
  }

  private static java.util.Optional<String> jacocoAgent() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-javaagent:") && a.contains("jacoco"))
        .findFirst();
  }

  /** The project root: where {@code scripts/uml-run.sh} is. */
  static Path projectRoot() {
    List<String> candidates = new ArrayList<>();
    String prop = System.getProperty("clvm.projectRoot");
    if (prop != null) candidates.add(prop);
    String env = System.getenv("CLVM_PROJECT_ROOT");
    if (env != null) candidates.add(env);
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      candidates.add(p.toString());
    }
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c, "scripts", "uml-run.sh"))) return Path.of(c);
    }
    throw new IllegalStateException(
        "cannot find scripts/uml-run.sh above " + Path.of("").toAbsolutePath());
  }
}
