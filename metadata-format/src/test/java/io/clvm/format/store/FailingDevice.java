package io.clvm.format.store;

import io.clvm.format.disk.DiskDevice;
import java.io.IOException;

/** Passes through to a device until a given number of writes, then fails every write: a crash. */
final class FailingDevice implements DiskDevice {
  private final DiskDevice inner;
  private int writesLeft;

  FailingDevice(DiskDevice inner, int writesBeforeFailure) {
    this.inner = inner;
    this.writesLeft = writesBeforeFailure;
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
  public void read(long offset, byte[] dst, int off, int len, String structure) throws IOException {
    inner.read(offset, dst, off, len, structure);
  }

  @Override
  public void write(long offset, byte[] src, int off, int len) throws IOException {
    if (writesLeft-- <= 0) {
      throw new IOException(name() + ": injected write failure at " + offset);
    }
    inner.write(offset, src, off, len);
  }

  @Override
  public void flush() throws IOException {
    inner.flush();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
