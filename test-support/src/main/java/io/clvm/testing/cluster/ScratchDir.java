package io.clvm.testing.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a cluster fixture lives in: sparse PV files named {@code *-clvmtest.img} (so that a
 * leftover is recognisably a test's), and the removal of the whole tree at the end.
 */
public final class ScratchDir {
  private ScratchDir() {}

  /** Creates {@code count} sparse files {@code pv1-clvmtest.img}... of {@code bytes} each. */
  public static List<Path> pvFiles(Path dir, int count, long bytes) throws IOException {
    List<Path> pvs = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path pv = dir.resolve("pv" + i + "-clvmtest.img");
      try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
        f.setLength(bytes);
      }
      pvs.add(pv);
    }
    return pvs;
  }

  /** Removes {@code dir} and everything below it; what cannot be removed stays (it is temp). */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(ScratchDir::deleteQuietly);
    } catch (IOException e) {
      // left behind in the temp dir
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // left behind in the temp dir
    }
  }
}
