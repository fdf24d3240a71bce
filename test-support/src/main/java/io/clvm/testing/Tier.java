package io.clvm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The test tiers above plain unit tests, each with the prerequisite it needs on this machine.
 *
 * <p>On a developer laptop a missing prerequisite skips the tier with the reason; under CI ({@code
 * CI=true}) or with {@code -Dclvm.requireAllTiers=true} it fails the test instead, because a tier
 * that silently skips in CI is a tier that does not exist.
 */
public enum Tier {
  /** Real lvm2 tools as the compatibility oracle, on loop devices: needs root and lvm2. */
  LVM2("lvm2") {
    @Override
    Optional<String> missing() {
      if (!isRoot()) return Optional.of("needs root to attach loop devices");
      if (!onPath("lvm")) return Optional.of("lvm2 is not installed (apt-get install lvm2)");
      if (!onPath("losetup")) return Optional.of("losetup is not installed (util-linux)");
      return Optional.empty();
    }
  },
  /** Debian's User-Mode Linux kernel, for everything that needs a real device-mapper. */
  KERNEL("kernel") {
    @Override
    Optional<String> missing() {
      if (!isRoot()) return Optional.of("needs root inside the User-Mode Linux guest");
      if (!onPath("linux.uml")) {
        return Optional.of("linux.uml not found (apt-get install user-mode-linux)");
      }
      return Optional.empty();
    }
  },
  /** Loop devices on this host (no lvm2 needed). */
  ROOT("root") {
    @Override
    Optional<String> missing() {
      return isRoot() ? Optional.empty() : Optional.of("needs root");
    }
  };

  private final String tag;

  Tier(String tag) {
    this.tag = tag;
  }

  /** The JUnit tag of this tier, for {@code -Dclvm.excludedGroups}. */
  public String tag() {
    return tag;
  }

  /** Why this tier cannot run here, or empty when it can. */
  abstract Optional<String> missing();

  /** True when a missing prerequisite must fail rather than skip. */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("CI"))
        || Boolean.getBoolean("clvm.requireAllTiers");
  }

  static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && "0".equals(out);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }
}
