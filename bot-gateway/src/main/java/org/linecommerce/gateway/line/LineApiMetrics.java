package org.linecommerce.gateway.line;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.linecommerce.runtime.health.Metrics;

/**
 * The timer {@code line_api_requests_seconds{endpoint, status}} (with histogram buckets): every
 * HTTP exchange with the LINE Messaging API, from sending the request to having read the answer.
 * {@code endpoint} is one of a fixed set ({@code reply}, {@code push}, {@code loading},
 * {@code profile}, else {@code other}), never the URL; {@code status} is LINE's HTTP status, or
 * {@code timeout} ({@code linecommerce.line.timeout} passed) or {@code error} (no answer: connection
 * failure). Calls refused before reaching LINE (open breaker, the client-side rate limit) are not
 * exchanges and are not timed; see {@link LineChannel} for results and rate limits.
 */
final class LineApiMetrics {

  private LineApiMetrics() {}

  /** {@code exchange} of {@code request}, its duration and outcome recorded when it completes. */
  static <A> CompletableFuture<A> timed(
      ActorSystem<?> system, HttpRequest request, CompletableFuture<A> exchange, ToIntFunction<A> status) {
    long start = System.nanoTime();
    String endpoint = endpoint(request.getUri().path());
    return exchange.whenComplete((answer, failure) -> Timer.builder("line_api_requests")
        .description("HTTP calls to the LINE Messaging API by endpoint and status (HTTP status, timeout, error)")
        .tag("endpoint", endpoint)
        .tag("status", failure == null ? Integer.toString(status.applyAsInt(answer)) : failureStatus(failure))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(Metrics.get(system).registry())
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  /** The endpoint label of a LINE API path: {@code reply}, {@code push}, {@code loading}, {@code profile} or {@code other}. */
  static String endpoint(String path) {
    if (path.endsWith("/v2/bot/message/reply")) return "reply";
    if (path.endsWith("/v2/bot/message/push")) return "push";
    if (path.endsWith("/v2/bot/chat/loading/start")) return "loading";
    if (path.contains("/v2/bot/profile/")) return "profile";
    return "other";
  }

  private static String failureStatus(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t instanceof TimeoutException ? "timeout" : "error";
  }
}
