package io.clvm.dm.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** The few libc calls the bridge needs, through JNA. Internal: not part of the API. */
public interface LibC extends Library {
  /** Loaded on first use, so that merely loading the bridge's classes needs no native code. */
  final class Holder {
    public static final LibC INSTANCE = Native.load("c", LibC.class);

    private Holder() {}
  }

  int O_RDONLY = 0;
  int O_RDWR = 2;
  int O_CLOEXEC = 0x80000;
  int S_IFBLK = 0x6000;

  int open(String path, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

  int mknod(String path, int mode, long dev) throws LastErrorException;

  String strerror(int errnum);
}
