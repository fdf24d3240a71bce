package io.clvm.dm.kernel;

import io.clvm.dm.DeviceEntry;
import io.clvm.dm.DeviceMapperOperations;
import io.clvm.dm.DeviceNumber;
import io.clvm.dm.DmName;
import io.clvm.dm.KernelDeviceMapper;
import io.clvm.dm.Sectors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loop devices on sparse files and the kernel device-mapper, for tests inside the UML guest. Every
 * image is {@code /run/clvm-test-images/<name>-clvmtest.img}, every dm device the tests make ends
 * with {@code -clvmtest}, and {@link #cleanup} removes exactly those (repeating while it makes
 * progress, as stacked devices come off one layer at a time).
 */
final class GuestDisks implements AutoCloseable {
  static final String SUFFIX = "-clvmtest";

  /** The guest's /run is always its own tmpfs (its /tmp is not when the build runs below /tmp). */
  static final Path IMAGES = Path.of("/run/clvm-test-images");

  /** A loop device and its backing file. */
  record Loop(Path file, Path device, DeviceNumber number, Sectors size) {}

  final KernelDeviceMapper dm;
  final DeviceMapperOperations ops;
  private final List<Loop> loops = new ArrayList<>();

  GuestDisks() throws IOException {
    dm = KernelDeviceMapper.open();
    ops = new DeviceMapperOperations(dm);
    cleanup();
  }

  /** A test device name: {@code <base>-clvmtest}. */
  static DmName name(String base) {
    return DmName.of(base + SUFFIX);
  }

  /** A zero-filled sparse image of {@code size} attached to a free loop device. */
  Loop loop(String base, Sectors size) throws IOException {
    Files.createDirectories(IMAGES);
    Path file = IMAGES.resolve(base + SUFFIX + ".img");
    Files.deleteIfExists(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size.bytes());
    }
    String dev = run("losetup", "--find", "--show", file.toString()).strip();
    Loop l = new Loop(file, Path.of(dev), DeviceNumber.ofNode(Path.of(dev)), size);
    loops.add(l);
    return l;
  }

  /** Removes every {@code *-clvmtest} dm device and loop device, and nothing else. */
  void cleanup() throws IOException {
    for (int round = 0; round < 10; round++) {
      boolean progress = false;
      boolean left = false;
      for (DeviceEntry e : dm.listDevices()) {
        if (!e.name().value().endsWith(SUFFIX)) continue;
        try {
          dm.remove(e.name());
          progress = true;
        } catch (IOException busy) {
          left = true;
        }
      }
      if (!left || !progress) break;
    }
    Path sys = Path.of("/sys/block");
    try (var entries = Files.list(sys)) {
      for (Path b : (Iterable<Path>) entries::iterator) {
        Path backing = b.resolve("loop/backing_file");
        if (!b.getFileName().toString().startsWith("loop") || !Files.exists(backing)) continue;
        String file = Files.readString(backing).strip();
        if (file.endsWith(SUFFIX + ".img")) {
          run("losetup", "-d", "/dev/" + b.getFileName());
          Files.deleteIfExists(Path.of(file));
        }
      }
    }
    loops.clear();
  }

  @Override
  public void close() throws IOException {
    try {
      cleanup();
    } finally {
      dm.close();
    }
  }

  static String run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out + err);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  /** {@code /dev/mapper/<name>}. */
  static Path mapper(DmName name) {
    return Path.of("/dev/mapper", name.value());
  }

  /** Reads {@code length} bytes of a file at {@code offset}. */
  static byte[] readFile(Path file, long offset, int length) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(length);
      while (b.hasRemaining()) {
        if (ch.read(b, offset + b.position()) < 0) break;
      }
      return b.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
