package org.linecommerce.runtime.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.TimeoutAccess;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Complete;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.resilience.Stages;

/**
 * Measures every HTTP request of a node: the timer {@code http_server_requests_seconds} (with
 * Prometheus histogram buckets) tagged {@code method}, {@code route} and {@code status}.
 *
 * <p><b>The route label</b> is a template, never the raw path, so the number of series stays
 * bounded whatever clients send: the path is matched against the fixed list {@link #ROUTES} of the
 * node's routes (those of {@code INTERFACES.md} and the module routes), where {@code {id}} stands
 * for exactly one non-empty segment and a trailing {@code **} for any rest. When several templates
 * match, the one with the most literal segments wins ({@code /api/v1/products/recommendations}
 * over {@code /api/v1/products/{id}}). A path no template matches is {@code unmatched}. A new route
 * adds its template here; until then it is counted as {@code unmatched}, never by its path.
 *
 * <p><b>The status</b> is the one the client received. {@link HttpEdge#wrap} puts this directive
 * outermost, so refusals of the edge (401, 413, 429), rejections and exceptions turned into
 * problem+json are counted with their final status. A route still running when its request timeout
 * passes ({@code pekko.http.server.request-timeout}, or what the route set with
 * {@code withRequestTimeout}) is counted then, as the 503 Pekko sends, with the timeout as its
 * duration; its late result is not counted again.
 */
public final class HttpMetrics {

  /** Every route template a node serves; see the class comment for the matching rule. */
  static final List<String> ROUTES = List.of(
      "/",
      "/webhook",
      "/health",
      "/metrics",
      "/api/v1/customers/{id}",
      "/api/v1/customers/{id}/activity",
      "/api/v1/customers/{id}/orders",
      "/api/v1/products",
      "/api/v1/products/recommendations",
      "/api/v1/products/{id}",
      "/api/v1/orders",
      "/api/v1/orders/{id}",
      "/api/v1/orders/{id}/confirm",
      "/api/v1/orders/{id}/cancel",
      "/api/v1/ai/generate",
      "/api/v1/ai/providers/stats",
      "/api/v1/conversations/{id}",
      "/admin/products/import",
      "/admin/products/{id}",
      "/admin/sagas",
      "/admin/sagas/{id}",
      "/admin/cluster",
      "/admin/metrics/history",
      "/admin/ai/providers/stats",
      "/admin/conversations/{id}/handback",
      "/admin/chats",
      "/admin/chats/{id}/messages",
      "/admin/dead-letters",
      "/admin/dead-letters/{id}",
      "/admin/dead-letters/{id}/retry",
      "/admin/dead-letters/{id}/discard",
      "/dev/line/outbox",
      "/dev/chat",
      "/dev/chat/**",
      "/dev/dashboard",
      "/dev/dashboard/**");

  /** The label of a path no template matches. */
  public static final String UNMATCHED = "unmatched";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");
  private static final List<String[]> TEMPLATES = ROUTES.stream().map(HttpMetrics::segments).toList();

  private HttpMetrics() {}

  /**
   * {@code inner}, every request it serves measured into {@code system}'s {@link Metrics} registry.
   * {@link HttpEdge#wrap} applies it; a route served outside the edge may apply it itself.
   */
  public static Route measure(ActorSystem<?> system, Supplier<Route> inner) {
    MeterRegistry registry = Metrics.get(system).registry();
    Duration configured = HttpEdge.requestTimeout(system.settings().config());
    Route route = inner.get();
    return Directives.extractRequest(request -> {
      long start = System.nanoTime();
      String method = method(request);
      String template = route(request.getUri());
      // the request's own timeout, which a route may change (withRequestTimeout), else the configured one
      Optional<TimeoutAccess> access =
          request.getHeader(org.apache.pekko.http.javadsl.model.headers.TimeoutAccess.class).map(h -> h.timeoutAccess());
      AtomicBoolean counted = new AtomicBoolean();
      AtomicReference<Cancellable> deadline = new AtomicReference<>();
      Runnable[] check = new Runnable[1];
      check[0] = () -> {
        if (counted.get()) return;
        long timeout = access.map(HttpMetrics::timeoutNanos).orElse(configured.toNanos());
        if (timeout < 0) return; // no timeout: only the route's answer counts
        long remaining = start + timeout - System.nanoTime();
        if (remaining > 0) {
          deadline.set(system.scheduler().scheduleOnce(Duration.ofNanos(remaining), check[0], system.executionContext()));
        } else if (counted.compareAndSet(false, true)) {
          record(registry, method, template, 503, timeout);
        }
      };
      check[0].run();
      // onSystem: Pekko's route-result stage would run a plain continuation on a new thread
      return Directives.mapRouteResultFuture(result -> Stages.onSystem(result, system).whenComplete((done, failure) -> {
        Cancellable pending = deadline.get();
        if (pending != null) pending.cancel();
        if (counted.compareAndSet(false, true)) {
          record(registry, method, template, status(done, failure), System.nanoTime() - start);
        }
      }), () -> route);
    });
  }

  /** The request timeout {@code access} holds now, in nanoseconds; -1 when infinite. */
  private static long timeoutNanos(TimeoutAccess access) {
    scala.concurrent.duration.Duration timeout = access.getTimeout();
    return timeout.isFinite() ? timeout.toNanos() : -1;
  }

  private static int status(RouteResult result, Throwable failure) {
    if (result instanceof Complete complete) return complete.getResponse().status().intValue();
    // a failure or rejection escaping the edge: Pekko's server answers 500 / seals it as 404
    return failure != null ? 500 : 404;
  }

  private static void record(MeterRegistry registry, String method, String route, int status, long nanos) {
    Timer.builder("http_server_requests")
        .description("HTTP requests served by this node, by method, route template and status")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private static String method(HttpRequest request) {
    String name = request.method().name();
    return METHODS.contains(name) ? name : "OTHER";
  }

  /** The route label of {@code uri}'s path: its template from {@link #ROUTES}, or {@link #UNMATCHED}. */
  public static String route(Uri uri) {
    return route(uri.path());
  }

  /** The route label of {@code path} (without query): its template from {@link #ROUTES}, or {@link #UNMATCHED}. */
  static String route(String path) {
    if (path == null || !path.startsWith("/")) return UNMATCHED;
    String[] segments = segments(path);
    int best = -1;
    int bestLiterals = -1;
    for (int i = 0; i < TEMPLATES.size(); i++) {
      int literals = literalsMatched(TEMPLATES.get(i), segments);
      if (literals > bestLiterals) {
        best = i;
        bestLiterals = literals;
      }
    }
    return best < 0 ? UNMATCHED : ROUTES.get(best);
  }

  /** How many literal segments of {@code template} match {@code path}, or -1 when it does not match. */
  private static int literalsMatched(String[] template, String[] path) {
    boolean rest = template.length > 0 && template[template.length - 1].equals("**");
    int fixed = rest ? template.length - 1 : template.length;
    if (rest ? path.length <= fixed : path.length != fixed) return -1;
    int literals = 0;
    for (int i = 0; i < fixed; i++) {
      if (template[i].equals("{id}")) {
        if (path[i].isEmpty()) return -1;
      } else if (template[i].equals(path[i])) {
        literals++;
      } else {
        return -1;
      }
    }
    return literals;
  }

  /** {@code /a/b/} → {@code [a, b, ""]}; {@code /} → {@code []}. */
  private static String[] segments(String path) {
    if (path.equals("/")) return new String[0];
    List<String> out = new ArrayList<>();
    int from = 1;
    while (true) {
      int slash = path.indexOf('/', from);
      if (slash < 0) {
        out.add(path.substring(from));
        return out.toArray(String[]::new);
      }
      out.add(path.substring(from, slash));
      from = slash + 1;
    }
  }
}
