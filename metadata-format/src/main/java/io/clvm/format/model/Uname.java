package io.clvm.format.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code uname(2)} fields lvm2 writes into the {@code creation_host} comment, read from {@code
 * /proc/sys/kernel} on Linux (with Java's properties as fallback elsewhere).
 */
public record Uname(
    String sysname, String nodename, String release, String version, String machine) {

  public static Uname current() {
    String sys = read("ostype", System.getProperty("os.name", "Linux"));
    String node = read("hostname", hostnameFallback());
    String rel = read("osrelease", System.getProperty("os.version", ""));
    String ver = read("version", "");
    String arch = System.getProperty("os.arch", "");
    String machine =
        switch (arch) {
          case "amd64" -> "x86_64";
          case "arm64" -> "aarch64";
          default -> arch;
        };
    return new Uname(sys, node, rel, ver, machine);
  }

  /** {@code sysname nodename release version machine}, as lvm2's comment shows it. */
  public String commentForm() {
    return sysname + " " + nodename + " " + release + " " + version + " " + machine;
  }

  private static String read(String name, String fallback) {
    try {
      return Files.readString(Path.of("/proc/sys/kernel", name), StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }

  private static String hostnameFallback() {
    String h = System.getenv("HOSTNAME");
    return h == null ? "localhost" : h;
  }
}
