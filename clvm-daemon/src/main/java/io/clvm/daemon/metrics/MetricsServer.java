package io.clvm.daemon.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * clvmd's Prometheus endpoint: a {@link PrometheusMeterRegistry} with the JVM's meters, served at
 * {@code GET /metrics} by the JDK's own HTTP server on {@code metrics.listen} (one thread: a scrape
 * never competes with the daemon's work for more than that). Off unless configured.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  /** Prometheus text format 0.0.4, what every scraper accepts. */
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** OpenMetrics 1.0, when the scraper asks for it. */
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> binders;
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(
      PrometheusMeterRegistry registry,
      List<AutoCloseable> binders,
      HttpServer server,
      ExecutorService executor) {
    this.registry = registry;
    this.binders = binders;
    this.server = server;
    this.executor = executor;
  }

  /**
   * A registry for one daemon: every meter carries {@code node} and {@code cluster} tags, and the
   * JVM's meters (memory, GC, threads, class loading, CPU, uptime, file descriptors) are bound.
   */
  public static PrometheusMeterRegistry registry(String node, String cluster, String version) {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().commonTags("node", node, "cluster", cluster);
    Gauge.builder("clvm.info", () -> 1)
        .description("clvmd's version (the value is always 1)")
        .tag("version", version)
        .register(r);
    return r;
  }

  /** Binds the JVM's meters to {@code registry} and serves it on {@code address}. */
  public static MetricsServer start(InetSocketAddress address, PrometheusMeterRegistry registry)
      throws IOException {
    JvmGcMetrics gc = new JvmGcMetrics();
    for (MeterBinder b :
        List.<MeterBinder>of(
            new JvmMemoryMetrics(),
            gc,
            new JvmThreadMetrics(),
            new ClassLoaderMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics(),
            new FileDescriptorMetrics())) {
      b.bindTo(registry);
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 8);
    } catch (IOException e) {
      gc.close();
      throw new IOException("metrics.listen: cannot listen on " + address + ": " + e, e);
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "clvm-metrics-http");
              t.setDaemon(true);
              return t;
            });
    MetricsServer m = new MetricsServer(registry, List.of(gc), server, executor);
    server.createContext("/", m::serve);
    server.setExecutor(executor);
    server.start();
    LOG.info("metrics: Prometheus endpoint on http://{}/metrics", hostPort(m.address()));
    return m;
  }

  /** The bound address (its port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  static String hostPort(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, TEXT, "method not allowed\n");
        return;
      }
      if (path.equals("/")) {
        send(exchange, 200, TEXT, "clvmd: Prometheus metrics at /metrics\n");
        return;
      }
      if (!path.equals("/metrics")) {
        send(exchange, 404, TEXT, "not found; metrics are at /metrics\n");
        return;
      }
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      String type =
          accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
      String body;
      try {
        body = registry.scrape(type);
      } catch (RuntimeException e) {
        LOG.warn("metrics scrape failed: {}", e.toString(), e);
        send(exchange, 500, TEXT, "scrape failed: " + e + "\n");
        return;
      }
      send(exchange, 200, type, method.equals("HEAD") ? null : body);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    for (AutoCloseable b : binders) {
      try {
        b.close();
      } catch (Exception e) {
        LOG.debug("closing {}: {}", b, e.toString());
      }
    }
    registry.close();
  }
}
