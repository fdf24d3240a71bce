package io.clvm.cli;

import io.clvm.testing.lvm2.Lvm2Oracle;
import io.clvm.testing.lvm2.TestLoopDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench the live lvm2 comparisons share: fresh loop devices, an lvm2 oracle restricted to them,
 * a private clvm.conf, and an in-process clvm run with {@code --devices} naming them.
 */
abstract class LiveLvm2Test {
  /** How many loop devices each test gets. */
  abstract int loopCount();

  /** The size of each loop device in bytes. */
  abstract long loopSize();

  @TempDir Path tmp;

  final List<TestLoopDevice> loops = new ArrayList<>();
  Lvm2Oracle lvm2;
  String devices;

  /** One in-process run's status and streams. */
  record Result(int status, String out, String err) {}

  @BeforeEach
  void attach() throws Exception {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < loopCount(); i++) {
      TestLoopDevice d = TestLoopDevice.create(loopSize());
      loops.add(d);
      paths.add(d.device());
    }
    lvm2 = Lvm2Oracle.forDevices(paths);
    devices = "--devices=" + String.join(",", paths.stream().map(Path::toString).toList());
    Files.writeString(
        tmp.resolve("clvm.conf"),
        "global {\n  activation = 0\n  lock_dir = \""
            + tmp.resolve("lock")
            + "\"\n}\nbackup {\n  backup_dir = \""
            + tmp.resolve("backup")
            + "\"\n  archive_dir = \""
            + tmp.resolve("archive")
            + "\"\n}\n");
  }

  @AfterEach
  void detach() {
    if (lvm2 != null) {
      lvm2.close();
    }
    loops.forEach(TestLoopDevice::close);
  }

  Result clvm(String... args) {
    return clvmWithInput("", args);
  }

  /** {@link #clvm} with {@code stdin} as standard input (answers to prompts). */
  Result clvmWithInput(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(devices);
    CapturedCli.Outcome o =
        CapturedCli.run(
            Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()),
            stdin,
            all.toArray(new String[0]));
    return new Result(o.exit(), o.out(), o.err());
  }
}
