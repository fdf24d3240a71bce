package io.clvm.testing.lvm2;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loop device over a sparse file named {@code *-clvmtest.img}, detached and deleted on close.
 * Needs root. Only devices this class attached are ever detached.
 */
public final class TestLoopDevice implements AutoCloseable {
  private final Path file;
  private final Path device;
  private final int blockSize;
  private final boolean deleteFile;

  private TestLoopDevice(Path file, Path device, int blockSize, boolean deleteFile) {
    this.file = file;
    this.device = device;
    this.blockSize = blockSize;
    this.deleteFile = deleteFile;
  }

  /** A new zero-filled sparse device of {@code size} bytes with 512-byte logical blocks. */
  public static TestLoopDevice create(long size) {
    return create(size, 512);
  }

  /** A new zero-filled sparse device with the given logical block size (512 or 4096). */
  public static TestLoopDevice create(long size, int blockSize) {
    try {
      Path f = Files.createTempFile("clvm-", "-clvmtest.img");
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(size);
      }
      return attach(f, blockSize, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Attaches an existing image file (e.g. a rebuilt fixture), whose name must end in {@code
   * clvmtest.img}; the file is deleted on close.
   */
  public static TestLoopDevice attach(Path image, int blockSize) {
    if (!image.getFileName().toString().endsWith("clvmtest.img")) {
      throw new IllegalArgumentException("test images must be named *clvmtest.img: " + image);
    }
    return attach(image, blockSize, true);
  }

  private static TestLoopDevice attach(Path file, int blockSize, boolean delete) {
    List<String> argv =
        blockSize == 512
            ? List.of("losetup", "-f", "--show", file.toString())
            : List.of(
                "losetup", "-f", "--show", "-b", Integer.toString(blockSize), file.toString());
    Command.Output out = Command.run(argv, Map.of(), 30);
    if (out.exitCode() != 0) {
      throw new IllegalStateException("losetup failed: " + out.stderr().trim());
    }
    return new TestLoopDevice(file, Path.of(out.stdout().trim()), blockSize, delete);
  }

  /** The loop device, e.g. {@code /dev/loop3}. */
  public Path device() {
    return device;
  }

  /** The backing file. */
  public Path file() {
    return file;
  }

  /**
   * Grows or shrinks the backing file to {@code size} bytes and makes the loop device take the new
   * size ({@code losetup -c}), as a LUN resized under a PV.
   */
  public void resize(long size) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Command.Output out = Command.run(List.of("losetup", "-c", device.toString()), Map.of(), 30);
    if (out.exitCode() != 0) {
      throw new IllegalStateException("losetup -c " + device + " failed: " + out.stderr().trim());
    }
  }

  public int blockSize() {
    return blockSize;
  }

  @Override
  public void close() {
    Command.Output out = Command.run(List.of("losetup", "-d", device.toString()), Map.of(), 30);
    try {
      if (deleteFile) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.exitCode() != 0) {
      throw new IllegalStateException("losetup -d " + device + " failed: " + out.stderr().trim());
    }
  }

  @Override
  public String toString() {
    return device + " (" + file + ")";
  }
}
