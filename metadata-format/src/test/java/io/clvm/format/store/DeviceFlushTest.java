package io.clvm.format.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.format.disk.DiskDevice;
import io.clvm.format.disk.MemoryDevice;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeviceFlushTest {
  @Test
  void everyDistinctDeviceIsFlushedOnce() throws IOException {
    MemoryDevice a = new MemoryDevice("a", 4096, 512);
    MemoryDevice b = new MemoryDevice("b", 4096, 512);
    MemoryDevice c = new MemoryDevice("c", 4096, 512);
    DeviceFlush.all(List.of(a, b, a, c));
    assertEquals(1, a.flushes());
    assertEquals(1, b.flushes());
    assertEquals(1, c.flushes());
  }

  @Test
  void aFailureIsThrownOnlyAfterEveryOtherFlushFinished() {
    AtomicInteger done = new AtomicInteger();
    DiskDevice ok1 = counting(new MemoryDevice("ok1", 4096, 512), done);
    DiskDevice bad = new FailingFlush(new MemoryDevice("bad", 4096, 512));
    DiskDevice ok2 = counting(new MemoryDevice("ok2", 4096, 512), done);
    IOException e = assertThrows(IOException.class, () -> DeviceFlush.all(List.of(ok1, bad, ok2)));
    assertTrue(e.getMessage().contains("bad"), e.getMessage());
    assertEquals(2, done.get());
  }

  private static DiskDevice counting(MemoryDevice d, AtomicInteger done) {
    return new FailingFlush(d) {
      @Override
      public void flush() {
        d.flush();
        done.incrementAndGet();
      }
    };
  }

  /** A device whose flush fails (the storage lost the write cache). */
  private static class FailingFlush implements DiskDevice {
    private final MemoryDevice inner;

    FailingFlush(MemoryDevice inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public int logicalBlockSize() {
      return inner.logicalBlockSize();
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len, String structure)
        throws IOException {
      inner.read(offset, dst, off, len, structure);
    }

    @Override
    public void write(long offset, byte[] src, int off, int len) throws IOException {
      inner.write(offset, src, off, len);
    }

    @Override
    public void flush() throws IOException {
      throw new IOException(name() + ": flush failed");
    }

    @Override
    public void close() {}
  }
}
