package org.linecommerce.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Base of the fakes for services outside our control (the LINE platform, AI vendors): a real
 * HTTP server on 127.0.0.1 and a free port that records every request and answers from handlers
 * that subclasses or tests register per path prefix. Faults can be injected: the next N requests
 * fail with a status, every answer is delayed, or the connection is dropped without an answer.
 */
public class FakeHttpServer implements AutoCloseable {

  /** One request as the fake received it. */
  public record RecordedRequest(
      String method, String path, String query, Map<String, List<String>> headers, byte[] body, Instant at) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
      }
      return null;
    }
  }

  /** What the fake answers. */
  public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static Reply json(int status, String json) {
      return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply status(int status) {
      return new Reply(status, "application/json", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-http");
    t.setDaemon(true);
    return t;
  });
  // a queue, not a copy-on-write list: a load run records 100,000s of requests (a copy per add is quadratic)
  private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();
  private volatile boolean recordRequests = true;
  private final Map<String, Function<RecordedRequest, Reply>> handlers = new ConcurrentHashMap<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicReference<Reply> failureReply = new AtomicReference<>(Reply.status(500));
  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private final AtomicInteger dropsLeft = new AtomicInteger();

  public FakeHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** {@code http://127.0.0.1:<port>} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers requests whose path starts with {@code pathPrefix} (longest prefix wins). */
  public FakeHttpServer on(String pathPrefix, Function<RecordedRequest, Reply> handler) {
    handlers.put(pathPrefix, handler);
    return this;
  }

  /** The next {@code count} requests get {@code reply} instead of their handler's answer. */
  public void failNext(int count, Reply reply) {
    failureReply.set(reply);
    failuresLeft.set(count);
  }

  /** The next {@code count} requests see their connection closed without an answer. */
  public void dropNext(int count) {
    dropsLeft.set(count);
  }

  /** Every answer waits {@code d} first (a slow vendor; longer than a client timeout = a timeout). */
  public void delayEveryAnswer(Duration d) {
    delay.set(d);
  }

  /** Whether requests are kept for {@link #requests()} (on by default; a load benchmark turns it off). */
  public FakeHttpServer recordRequests(boolean on) {
    recordRequests = on;
    return this;
  }

  /** Every request so far, oldest first. */
  public List<RecordedRequest> requests() {
    return new ArrayList<>(requests);
  }

  /** Requests so far whose path starts with {@code pathPrefix}. */
  public List<RecordedRequest> requests(String pathPrefix) {
    return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
  }

  public void reset() {
    requests.clear();
    failuresLeft.set(0);
    dropsLeft.set(0);
    delay.set(Duration.ZERO);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      RecordedRequest request = new RecordedRequest(
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath(),
          exchange.getRequestURI().getRawQuery(),
          Map.copyOf(exchange.getRequestHeaders()),
          body,
          Instant.now());
      if (recordRequests) requests.add(request);
      if (dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return; // closing the exchange without sendResponseHeaders drops the connection
      }
      Duration d = delay.get();
      if (!d.isZero()) {
        try {
          Thread.sleep(d.toMillis()); // the fault being simulated is a slow server
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Reply reply = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? failureReply.get() : route(request);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) exchange.getResponseBody().write(reply.body());
    }
  }

  private Reply route(RecordedRequest request) {
    String best = null;
    for (String prefix : handlers.keySet()) {
      if (request.path().startsWith(prefix) && (best == null || prefix.length() > best.length())) best = prefix;
    }
    return best == null
        ? Reply.json(404, "{\"message\":\"no fake handler for " + request.path() + "\"}")
        : handlers.get(best).apply(request);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
