package io.clvm.testing.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's path to a set of loopback servers (a ZooKeeper ensemble, or one server): a TCP
 * forwarder per server, in the test JVM, so that a test can cut that client off (connections reset,
 * new ones refused: the client notices at once) or black-hole it (connections stay open, bytes
 * vanish: the client notices only by its own timeout, and its ZooKeeper session expires on the
 * servers), while other clients stay connected.
 */
public final class TcpProxy implements AutoCloseable {
  /** What the proxy does with the client's traffic. */
  public enum Mode {
    PASS,
    /** Every connection reset; new ones accepted and closed at once. */
    CUT,
    /** Connections accepted and kept, every byte dropped. */
    BLACKHOLE,
    /**
     * Connections accepted and kept, the client's bytes passed, the server's dropped: a request
     * still reaches the server and takes effect there, its response is lost.
     */
    DEAF
  }

  private final String name;
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final List<Integer> upstreamPorts;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;

  /** A proxy to one loopback server. */
  public TcpProxy(int upstreamPort) throws IOException {
    this("tcp-proxy", List.of(upstreamPort));
  }

  /** A proxy per loopback server in {@code upstreamPorts}; {@code name} names its threads. */
  public TcpProxy(String name, List<Integer> upstreamPorts) throws IOException {
    this.name = name;
    this.upstreamPorts = List.copyOf(upstreamPorts);
    InetAddress lo = InetAddress.getLoopbackAddress();
    for (int i = 0; i < upstreamPorts.size(); i++) {
      ServerSocket ss = new ServerSocket(0, 50, lo);
      listeners.add(ss);
      int upstream = upstreamPorts.get(i);
      Thread t = new Thread(() -> acceptLoop(ss, upstream), name + "-accept-" + i);
      t.setDaemon(true);
      t.start();
    }
  }

  /** The connect string the client uses: one proxy port per server. */
  public String connectString() {
    StringBuilder b = new StringBuilder();
    for (ServerSocket ss : listeners) {
      b.append(b.length() == 0 ? "" : ",").append("127.0.0.1:").append(ss.getLocalPort());
    }
    return b.toString();
  }

  public Mode mode() {
    return mode;
  }

  /** Bytes dropped while black-holed (so a test can see the client tried to talk). */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Sets the mode; CUT resets every connection, and leaving BLACKHOLE resets the black-holed ones
   * (a healed partition: the client reconnects instead of waiting on a dead connection).
   */
  public synchronized void mode(Mode m) {
    Mode old = mode;
    mode = m;
    if (m == Mode.CUT || (old == Mode.BLACKHOLE && m != Mode.BLACKHOLE)) {
      resetAll();
    }
  }

  /** Drops every connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    mode(Mode.CUT);
  }

  /** Passes traffic again. */
  public void restore() {
    mode(Mode.PASS);
  }

  /** {@link Mode#DEAF} until {@link #restore()}: requests arrive, responses vanish. */
  public void deafen() {
    mode(Mode.DEAF);
  }

  private void resetAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private void acceptLoop(ServerSocket ss, int upstreamPort) {
    while (!closed) {
      Socket client;
      try {
        client = ss.accept();
      } catch (IOException e) {
        return; // closed
      }
      Mode m = mode;
      if (m == Mode.CUT) {
        closeQuietly(client);
        continue;
      }
      open.add(client);
      if (m == Mode.BLACKHOLE) {
        pump(client, null, false);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
      } catch (IOException e) {
        closeQuietly(client); // that server is down: the client tries the next one
        open.remove(client);
        continue;
      }
      open.add(server);
      pump(client, server, false);
      pump(server, client, true);
    }
  }

  /**
   * Copies {@code from} to {@code to}, or drops the bytes: when {@code to} is null, black-holed, or
   * the client ({@code toClient}) of a deaf proxy.
   */
  private void pump(Socket from, Socket to, boolean toClient) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? null : to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                  Mode m = mode;
                  if (out == null || m == Mode.BLACKHOLE || (toClient && m == Mode.DEAF)) {
                    dropped.addAndGet(n);
                    continue;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // reset or closed
              } finally {
                closeQuietly(from);
                open.remove(from);
                if (to != null) {
                  closeQuietly(to);
                  open.remove(to);
                }
              }
            },
            name + "-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket ss : listeners) {
      try {
        ss.close();
      } catch (IOException e) {
        // closing
      }
    }
    resetAll();
  }

  @Override
  public String toString() {
    return "TcpProxy[" + name + " " + mode + " -> " + upstreamPorts + "]";
  }
}
