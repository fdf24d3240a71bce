package io.clvm.daemon.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.clvm.cluster.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's unix domain control socket: one JSON request line in, one JSON response out, per
 * connection. Only the users in {@code allowedUsers} (root) are served, checked with the peer's
 * kernel credentials (SO_PEERCRED), not with anything the client says; the socket file is mode 0600
 * as a second fence. A client that sends garbage, too much, or nothing in time gets an error (or is
 * dropped) without affecting the others: each connection has its own thread from a bounded pool,
 * and a full pool answers "busy" instead of queueing without limit.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

  /** Socket path, who may connect, and the limits that protect the daemon from its clients. */
  public record Settings(
      Path path,
      Set<String> allowedUsers,
      int maxRequestBytes,
      Duration readTimeout,
      int maxClients) {}

  /** Produces the payload of a {@code status} response. */
  @FunctionalInterface
  public interface StatusSource {
    Object status() throws Exception;
  }

  /** Answers a request type of its own ({@link #handle}): health, reload-config. */
  @FunctionalInterface
  public interface RequestHandler {
    ControlResponse handle(ControlRequest request) throws Exception;
  }

  /** How long an answered connection stays open for the client to read and close first. */
  private static final long LINGER_MS = 2_000;

  private final Settings settings;
  private final CommandExecutor executor;
  private final StatusSource status;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "clvm-socket-watchdog"));
  private final java.util.Map<String, RequestHandler> handlers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private ServerSocketChannel server;
  private Thread acceptor;

  public ControlServer(Settings settings, CommandExecutor executor, StatusSource status) {
    this.settings = settings;
    this.executor = executor;
    this.status = status;
    this.workers =
        new ThreadPoolExecutor(
            1,
            settings.maxClients(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> daemonThread(r, "clvm-socket-client"));
  }

  /** Serves requests of {@code type} (not one of the built-in ones) with {@code handler}. */
  public void handle(String type, RequestHandler handler) {
    handlers.put(type, handler);
  }

  /** Binds the socket (refusing if another daemon listens there) and starts accepting. */
  public void start() throws IOException {
    Path path = settings.path();
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isDirectory(path) || Files.isRegularFile(path) || Files.isSymbolicLink(path)) {
        throw new IOException(path + " exists and is not a socket: refusing to replace it");
      }
      if (answers(path)) {
        throw new IOException("another clvmd is already listening on " + path);
      }
      Files.delete(path); // stale, from a daemon that died without cleaning up
    }
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    // Java cannot set the umask; the window between bind and chmod is closed by the peer
    // credential check, which does not depend on the file mode.
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    acceptor = daemonThread(this::acceptLoop, "clvm-socket-accept");
    acceptor.start();
    LOG.info("control socket listening on {}", path);
  }

  private static boolean answers(Path path) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(path));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.warn("control socket accept failed: {}", e.toString());
        continue;
      }
      try {
        workers.execute(() -> serve(ch));
      } catch (RejectedExecutionException e) {
        reply(
            ch,
            ControlResponse.error(
                ControlProtocol.EXIT_FAILED, "clvmd: busy: too many clients, try again"));
      }
    }
  }

  private void serve(SocketChannel ch) {
    try {
      String user = peerUser(ch);
      if (!settings.allowedUsers().contains(user)) {
        LOG.warn("control socket: refused a client running as {}", user);
        reply(
            ch,
            ControlResponse.error(
                ControlProtocol.EXIT_FAILED,
                "clvmd: permission denied: the control socket serves only "
                    + String.join(", ", settings.allowedUsers())
                    + ", not "
                    + user));
        return;
      }
      byte[] request;
      AtomicBoolean timedOut = new AtomicBoolean();
      ScheduledFuture<?> timer =
          watchdog.schedule(
              () -> {
                timedOut.set(true);
                shutdownInput(ch); // wakes the blocked read with end-of-stream
              },
              settings.readTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
      try {
        request = readRequest(ch);
      } finally {
        timer.cancel(false);
      }
      if (timedOut.get()) {
        reply(
            ch,
            ControlResponse.error(
                ControlProtocol.EXIT_INVALID,
                "clvmd: no complete request within " + settings.readTimeout().toMillis() + " ms"));
        return;
      }
      if (request == null) {
        reply(
            ch,
            ControlResponse.error(
                ControlProtocol.EXIT_INVALID,
                "clvmd: request larger than " + settings.maxRequestBytes() + " bytes"));
        return;
      }
      reply(ch, dispatch(request, new CommandExecutor.Peer(user)));
    } catch (IOException e) {
      LOG.debug("control socket client went away: {}", e.toString());
      closeQuietly(ch);
    }
  }

  /** The request line, or null if it exceeds the limit. */
  private byte[] readRequest(SocketChannel ch) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (ch.read(buf) >= 0) {
      buf.flip();
      while (buf.hasRemaining()) {
        byte b = buf.get();
        if (b == '\n') {
          return data.toByteArray();
        }
        if (data.size() >= settings.maxRequestBytes()) {
          return null;
        }
        data.write(b);
      }
      buf.clear();
    }
    return data.toByteArray(); // end of stream ends the request too (client shut down output)
  }

  ControlResponse dispatch(byte[] raw, CommandExecutor.Peer peer) {
    ControlRequest request;
    try {
      request = Json.MAPPER.readValue(raw, ControlRequest.class);
    } catch (JsonProcessingException e) {
      return ControlResponse.error(
          ControlProtocol.EXIT_INVALID, "clvmd: malformed request: " + e.getOriginalMessage());
    } catch (IOException e) {
      return ControlResponse.error(
          ControlProtocol.EXIT_INVALID, "clvmd: malformed request: " + e.getMessage());
    }
    if (request == null || request.version() != ControlProtocol.VERSION) {
      return ControlResponse.error(
          ControlProtocol.EXIT_INVALID,
          "clvmd: unsupported protocol version "
              + (request == null ? "none" : request.version())
              + " (this daemon speaks "
              + ControlProtocol.VERSION
              + ")");
    }
    String type = request.type() == null ? "" : request.type();
    try {
      switch (type) {
        case ControlProtocol.TYPE_PING:
          return ControlResponse.ok("pong\n");
        case ControlProtocol.TYPE_STATUS:
          return ControlResponse.data(Json.MAPPER.valueToTree(status.status()));
        case ControlProtocol.TYPE_COMMAND:
          if (request.command() == null || request.command().isBlank()) {
            return ControlResponse.error(
                ControlProtocol.EXIT_INVALID, "clvmd: command request without a command name");
          }
          LOG.info("{} runs {} {}", peer.user(), request.command(), request.argv());
          return executor.execute(request, peer);
        default:
          RequestHandler handler = handlers.get(type);
          if (handler != null) {
            return handler.handle(request);
          }
          return ControlResponse.error(
              ControlProtocol.EXIT_INVALID, "clvmd: unknown request type '" + type + "'");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ControlResponse.error(
          ControlProtocol.EXIT_FAILED, "clvmd: interrupted (shutting down)");
    } catch (Exception e) {
      LOG.warn("request {} failed: {}", type, e.toString(), e);
      return ControlResponse.error(
          ControlProtocol.EXIT_FAILED,
          "clvmd: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  private static String peerUser(SocketChannel ch) throws IOException {
    UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return p.user().getName();
  }

  /**
   * Writes the response and ends our side of the stream, but closes the channel only later: a unix
   * socket closed with unread input makes the peer's next read fail with ECONNRESET, which would
   * swallow an early answer (refused user, busy, oversized) to a client still writing.
   */
  private void reply(SocketChannel ch, ControlResponse response) {
    byte[] json = Json.write(response);
    ByteBuffer out = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    try {
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ch.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("control socket: could not answer: {}", e.toString());
    }
    try {
      watchdog.schedule(() -> closeQuietly(ch), LINGER_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      closeQuietly(ch); // shutting down
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // closed
    }
  }

  private static void shutdownInput(SocketChannel ch) {
    try {
      ch.shutdownInput();
    } catch (IOException e) {
      // already closed
    }
  }

  private static Thread daemonThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
      Files.deleteIfExists(settings.path());
    }
    workers.shutdownNow();
    watchdog.shutdownNow();
  }
}
