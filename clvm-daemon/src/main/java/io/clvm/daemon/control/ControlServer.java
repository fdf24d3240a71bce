package io.clvm.daemon.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
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

  /**
   * Socket path, who may connect, and the limits that protect the daemon from its clients.
   *
   * @param maxRequestBytes the longest request line accepted (more: an error, exit 3)
   * @param readTimeout how long a client has to send its whole request line
   * @param maxClients connections served at once (a thread each); more are answered "busy"
   * @param writeTimeout how long a client has to take its answer before it is dropped: a client
   *     that stops reading must not hold a thread for ever
   */
  public record Settings(
      Path path,
      Set<String> allowedUsers,
      int maxRequestBytes,
      Duration readTimeout,
      int maxClients,
      Duration writeTimeout) {

    /** The settings with the default write timeout, {@link #DEFAULT_WRITE_TIMEOUT}. */
    public Settings(
        Path path,
        Set<String> allowedUsers,
        int maxRequestBytes,
        Duration readTimeout,
        int maxClients) {
      this(path, allowedUsers, maxRequestBytes, readTimeout, maxClients, DEFAULT_WRITE_TIMEOUT);
    }
  }

  /** {@code socket.writeTimeoutMs}'s default. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Control requests are read strictly: a number where a string belongs (or the reverse), a
   * fractional version, or anything after the request object is a malformed request, not something
   * Jackson quietly coerces into a different request.
   */
  private static final ObjectReader REQUEST_READER = strictRequestReader();

  private static ObjectReader strictRequestReader() {
    ObjectMapper strict = Json.MAPPER.copy();
    strict.coercionConfigDefaults().setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    strict
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    strict
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return strict
        .readerFor(ControlRequest.class)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }

  /** Produces the payload of a {@code status} response. */
  @FunctionalInterface
  public interface StatusSource {
    Object status() throws Exception;
  }

  /** The pause after a failed accept. */
  private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

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

  /** One per connection being served; none left: "busy". */
  private final Semaphore slots;

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
    this.slots = new Semaphore(settings.maxClients());
    // Threads are bounded by the slots, not by the pool: a pool at its maximum size rejects a task
    // in the instant between a worker finishing one client and polling for the next, which would
    // answer "busy" to a client arriving after the previous one was done.
    this.workers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
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
        // Out of file descriptors (EMFILE) fails every accept at once: without a pause this loop
        // would spin and flood the log until some connection is closed.
        LOG.warn("control socket accept failed: {}", e.toString());
        java.util.concurrent.locks.LockSupport.parkNanos(ACCEPT_RETRY_NANOS);
        continue;
      }
      if (!slots.tryAcquire()) {
        reply(
            ch,
            ControlResponse.error(
                ControlProtocol.EXIT_FAILED, "clvmd: busy: too many clients, try again"));
        continue;
      }
      Runnable freeSlot = releaseOnce();
      try {
        workers.execute(
            () -> {
              try {
                serve(ch, freeSlot);
              } finally {
                freeSlot.run();
              }
            });
      } catch (RejectedExecutionException e) {
        slots.release();
        closeQuietly(ch); // shutting down
      }
    }
  }

  private void serve(SocketChannel ch, Runnable freeSlot) {
    try {
      String user = peerUser(ch);
      if (!settings.allowedUsers().contains(user)) {
        LOG.warn("control socket: refused a client running as {}", user);
        reply(
            ch,
            freeSlot,
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
            freeSlot,
            ControlResponse.error(
                ControlProtocol.EXIT_INVALID,
                "clvmd: no complete request within " + settings.readTimeout().toMillis() + " ms"));
        return;
      }
      if (request == null) {
        reply(
            ch,
            freeSlot,
            ControlResponse.error(
                ControlProtocol.EXIT_INVALID,
                "clvmd: request larger than " + settings.maxRequestBytes() + " bytes"));
        return;
      }
      reply(ch, freeSlot, dispatch(request, new CommandExecutor.Peer(user)));
    } catch (IOException e) {
      LOG.debug("control socket client went away: {}", e.toString());
      closeQuietly(ch);
    } catch (RuntimeException | Error e) {
      // Whatever went wrong with this one client, the daemon answers it and goes on serving the
      // others; nothing escapes to the thread's default handler (a stack trace on stderr and a
      // connection left open).
      LOG.error("control socket: internal error serving a client: {}", e.toString(), e);
      reply(ch, freeSlot, ControlResponse.error(ControlProtocol.EXIT_FAILED, internalError(e)));
    }
  }

  private static String internalError(Throwable e) {
    return "clvmd: internal error: "
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
        + " (see clvmd's log)";
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
      request = REQUEST_READER.readValue(raw);
    } catch (JsonProcessingException e) {
      return ControlResponse.error(
          ControlProtocol.EXIT_INVALID, "clvmd: malformed request: " + describe(e));
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
    String invalid = invalidField(request);
    if (invalid != null) {
      return ControlResponse.error(
          ControlProtocol.EXIT_INVALID, "clvmd: malformed request: " + invalid);
    }
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

  /**
   * Jackson's message without its hints for Java programmers, prefixed with the field it is about
   * ({@code argv[0]: Cannot coerce Integer value (1) to `java.lang.String` value}).
   */
  static String describe(JsonProcessingException e) {
    String message =
        String.valueOf(e.getOriginalMessage())
            .replaceAll("\\s*\\((set|enable|although|through reference chain)[^)]*\\)", "")
            .replaceAll("\\s*\\n.*", "");
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          field.append('[').append(r.getIndex()).append(']');
        }
      }
      if (field.length() > 0) {
        return field + ": " + message;
      }
    }
    return message;
  }

  /** What is wrong with a parsed request's fields (nulls inside argv or env), or null. */
  private static String invalidField(ControlRequest request) {
    if (request.argv() != null && request.argv().contains(null)) {
      return "argv must be a list of strings, not contain null";
    }
    if (request.env() != null) {
      for (Map.Entry<String, String> e : request.env().entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          return "env must map names to strings, not to null (" + e.getKey() + ")";
        }
      }
    }
    return null;
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
  /** Releases one slot, once however often it is run. */
  private Runnable releaseOnce() {
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        slots.release();
      }
    };
  }

  private void reply(SocketChannel ch, ControlResponse response) {
    reply(ch, () -> {}, response);
  }

  /**
   * As {@link #reply(SocketChannel, ControlResponse)}, freeing the connection's slot after the
   * answer is written and before the end of stream that lets the client go on: a client that sends
   * its next request as soon as it has its answer is never told "busy" by its own previous one.
   */
  private void reply(SocketChannel ch, Runnable freeSlot, ControlResponse response) {
    byte[] json = Json.write(response);
    ByteBuffer out = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    ScheduledFuture<?> timer = null;
    try {
      // A client that stops reading would block this write for ever once the socket buffer is
      // full: after the write timeout the channel is closed, which ends the write with an error.
      timer =
          watchdog.schedule(
              () -> closeQuietly(ch), settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: write without a timer
    }
    try {
      while (out.hasRemaining()) {
        ch.write(out);
      }
      freeSlot.run();
      ch.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("control socket: could not answer: {}", e.toString());
    } finally {
      freeSlot.run();
      if (timer != null) {
        timer.cancel(false);
      }
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
