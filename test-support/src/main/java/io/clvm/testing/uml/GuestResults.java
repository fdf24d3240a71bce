package io.clvm.testing.uml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one guest run reported: each test's outcome and the timings of the run.
 *
 * @param tests every test (and every failed container) in execution order
 * @param bootMillis from starting the UML kernel to the guest JVM's start
 * @param jvmStartMillis from the guest JVM's start to its main method
 * @param testMillis running the tests inside the guest
 * @param totalMillis the whole guest run as the host saw it, power-off included
 * @param guestKernel the guest's kernel release
 */
public record GuestResults(
    List<Test> tests,
    long bootMillis,
    long jvmStartMillis,
    long testMillis,
    long totalMillis,
    String guestKernel) {

  /**
   * One test's outcome.
   *
   * @param name {@code Class#method(display)}
   * @param status SUCCESSFUL, FAILED, ABORTED or SKIPPED
   * @param millis how long it ran
   * @param detail the stack trace of a failure, or the reason for a skip
   */
  public record Test(String name, String status, long millis, String detail) {
    public boolean failed() {
      return status.equals("FAILED");
    }
  }

  /** Reads what {@link GuestMain} wrote; {@code launchedAt} and {@code endedAt} are host times. */
  static GuestResults read(Path file, long launchedAt, long endedAt) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    int count = Integer.parseInt(p.getProperty("count", "0"));
    List<Test> tests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tests.add(
          new Test(
              p.getProperty(i + ".name"),
              p.getProperty(i + ".status"),
              Long.parseLong(p.getProperty(i + ".millis", "0")),
              p.getProperty(i + ".detail", "")));
    }
    long jvmStart = Long.parseLong(p.getProperty("jvm.startTime"));
    long mainStart = Long.parseLong(p.getProperty("main.startTime"));
    long mainEnd = Long.parseLong(p.getProperty("main.endTime"));
    return new GuestResults(
        List.copyOf(tests),
        jvmStart - launchedAt,
        mainStart - jvmStart,
        mainEnd - mainStart,
        endedAt - launchedAt,
        p.getProperty("kernel", "?"));
  }

  /** The failed tests. */
  public List<Test> failures() {
    return tests.stream().filter(Test::failed).toList();
  }

  private static final Pattern CLASS = Pattern.compile("\\[class:([^\\]]+)\\]");
  private static final Pattern METHOD = Pattern.compile("\\[(?:test-template|method):([^\\]]+)\\]");

  /** {@code SimpleClass#method(args) display} from a JUnit unique id. */
  static String readableName(String uniqueId, String display) {
    Matcher c = CLASS.matcher(uniqueId);
    String cls = c.find() ? c.group(1).substring(c.group(1).lastIndexOf('.') + 1) : "";
    Matcher m = METHOD.matcher(uniqueId);
    String method = m.find() ? "#" + m.group(1) : "";
    String name = cls + method;
    if (uniqueId.contains("invocation:") || name.isEmpty()) name += " " + display;
    return name.isEmpty() ? uniqueId : name;
  }

  /** A one-line summary with the timings. */
  public String summary() {
    long failed = failures().size();
    long skipped = tests.stream().filter(t -> t.status().equals("SKIPPED")).count();
    return String.format(
        "%d in-guest tests on Linux %s: %d passed, %d failed, %d skipped; UML boot %d ms, guest"
            + " JVM start %d ms, tests %d ms, whole guest run %d ms",
        tests.size(),
        guestKernel,
        tests.size() - failed - skipped,
        failed,
        skipped,
        bootMillis,
        jvmStartMillis,
        testMillis,
        totalMillis);
  }
}
