package org.linecommerce.gateway.line;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.stream.Materializer;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.tracing.LogThrottle;
import org.linecommerce.runtime.tracing.Tracing;
import org.linecommerce.runtime.http.RateLimiter;
import org.linecommerce.runtime.resilience.ResilientAsk;
import org.linecommerce.runtime.resilience.Stages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LINE Messaging API over HTTP (Pekko HTTP's pooled client) at
 * {@code linecommerce.line.api-base-url}, with the channel access token as bearer (never logged).
 *
 * <p>Each call is bounded by {@code linecommerce.line.timeout}, goes through one circuit breaker
 * (the runtime's, target {@value #BREAKER}: 5xx, timeouts and connection failures count against
 * it; while open, calls answer {@link LineResult.Unavailable} without reaching LINE), over a
 * connection pool of {@code linecommerce.line.max-connections} ({@code max-open-requests} calls may
 * wait; one more is {@code Unavailable} "client busy", retried, and not counted against LINE), and through a
 * client-side token bucket below LINE's per-channel limit (messages and loading animation have
 * separate buckets; a call over it answers {@link LineResult.RateLimited} without being sent).
 * Answers are classified into {@link LineResult}s; each call is a client span ({@link Tracing#traced})
 * and carries a W3C {@code traceparent} with the trace id of the call's {@link MessageMeta}.
 */
public final class HttpLineMessaging implements LineMessaging {

  public static final String BREAKER = "line-messaging-api";
  /** the reason of a call our connection pool refused (all {@code max-open-requests} waiting) */
  static final String CLIENT_BUSY = "client busy: ";
  /** LINE's answers are a few hundred bytes; a bigger body is a failed call */
  private static final long MAX_ANSWER_BYTES = 1L << 20;
  private static final Logger log = LoggerFactory.getLogger(HttpLineMessaging.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final LineSettings settings;
  private final Http http;
  private final Materializer materializer;
  private final CircuitBreaker breaker;
  /** a call LINE did not take repeats for every pending answer during an outage: one line per second */
  private final LogThrottle notSent = new LogThrottle(Duration.ofSeconds(1));
  private final ConnectionPoolSettings pool;
  private final HttpsConnectionContext https;
  private final LoggingAdapter poolLog;
  private final RateLimiter messagesRate;
  private final RateLimiter loadingRate;
  private final Tracing tracing;

  public HttpLineMessaging(ActorSystem<?> system, LineSettings settings) {
    this.system = system;
    this.settings = settings;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.breaker = ResilientAsk.get(system).breakerFor(BREAKER);
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    this.pool = ConnectionPoolSettings.create(classic)
        .withMaxConnections(settings.maxConnections())
        .withMaxOpenRequests(settings.maxOpenRequests());
    this.https = http.defaultClientHttpsContext();
    this.poolLog = classic.log();
    this.messagesRate = RateLimiter.create(settings.messagesRate());
    this.loadingRate = RateLimiter.create(settings.loadingRate());
    this.tracing = Tracing.get(system);
  }

  @Override
  public CompletionStage<LineResult> reply(String replyToken, List<String> messages, MessageMeta meta) {
    ObjectNode body = JSON.createObjectNode().put("replyToken", replyToken);
    body.set("messages", messagesArray(messages));
    return call(messagesRate, "/v2/bot/message/reply", body.toString(), null, meta, false);
  }

  @Override
  public CompletionStage<LineResult> push(String to, List<String> messages, UUID retryKey, MessageMeta meta) {
    ObjectNode body = JSON.createObjectNode().put("to", to);
    body.set("messages", messagesArray(messages));
    return call(messagesRate, "/v2/bot/message/push", body.toString(), retryKey, meta, true);
  }

  @Override
  public CompletionStage<LineResult> showLoading(String userId, int seconds, MessageMeta meta) {
    String body = JSON.createObjectNode().put("chatId", userId).put("loadingSeconds", seconds).toString();
    return call(loadingRate, "/v2/bot/chat/loading/start", body, null, meta, false);
  }

  @Override
  public CompletionStage<Optional<LineProfile>> profile(String userId, MessageMeta meta) {
    HttpRequest request = withHeaders(HttpRequest.GET(settings.apiBaseUrl() + "/v2/bot/profile/" + userId), null, meta);
    return tracing.traced("LINE GET /v2/bot/profile", meta, request, this::exchange, Answer::status).thenApply(answer -> {
      if (answer.status == 404) return Optional.<LineProfile>empty();
      if (answer.status / 100 != 2) {
        throw new IllegalStateException("LINE profile lookup answered " + answer.status);
      }
      JsonNode p = parse(answer.body);
      return Optional.of(new LineProfile(p.path("userId").asText(userId), text(p, "displayName"),
          text(p, "pictureUrl"), text(p, "statusMessage"), text(p, "language")));
    });
  }

  private CompletionStage<LineResult> call(RateLimiter limiter, String path, String body, UUID retryKey,
      MessageMeta meta, boolean push) {
    RateLimiter.Decision decision = limiter.tryAcquire("channel");
    if (!decision.allowed()) {
      return CompletableFuture.completedFuture(new LineResult.RateLimited(decision.retryAfter()));
    }
    HttpRequest request = withHeaders(
        HttpRequest.POST(settings.apiBaseUrl() + path).withEntity(ContentTypes.APPLICATION_JSON, body), retryKey, meta);
    return tracing.traced("LINE POST " + path, meta, request, this::exchange, Answer::status)
        .handle((answer, error) -> {
          LineResult result;
          if (error == null) {
            try {
              result = classify(answer, push);
            } catch (RuntimeException e) {
              result = new LineResult.Unavailable(describe(e));
            }
            if (result instanceof LineResult.Unavailable) breaker.fail();
            else breaker.succeed();
          } else {
            Throwable cause = Stages.unwrap(error);
            // neither a refusal by the open breaker nor our own pool being full says anything about LINE
            if (!(cause instanceof CircuitOpen || cause instanceof org.apache.pekko.stream.BufferOverflowException)) {
              breaker.fail();
            }
            result = new LineResult.Unavailable(describe(cause));
          }
          if (!(result instanceof LineResult.Sent || result instanceof LineResult.AlreadyAccepted) && notSent.permit()) {
            log.info("LINE {} answered {} ({} more calls not sent since the last line; line_outbound_results_total "
                + "counts them by kind)", path, result, notSent.suppressed());
          }
          return result;
        });
  }

  /** One HTTP exchange with the answer read whole; fails on timeout, connection failure or open breaker. */
  private CompletableFuture<Answer> exchange(HttpRequest request) {
    if (breaker.isOpen()) {
      return CompletableFuture.failedFuture(new CircuitOpen());
    }
    long timeoutMs = settings.timeout().toMillis();
    // onSystem: Pekko's Java API stages would run plain continuations on the JDK's common pool
    CompletionStage<Answer> answer = Stages.onSystem(http.singleRequest(request, https, pool, poolLog), system)
        .thenCompose(response -> Stages.onSystem(readWhole(response, timeoutMs), system));
    return LineApiMetrics.timed(system, request, Stages.orTimeout(answer, settings.timeout(), system), a -> a.status);
  }

  private CompletionStage<Answer> readWhole(HttpResponse response, long timeoutMs) {
    // the explicit limit also spares the config lookup toStrict(timeout, materializer) makes per call
    return response.entity().toStrict(timeoutMs, MAX_ANSWER_BYTES, materializer).thenApply(strict -> new Answer(
        response.status().intValue(), strict.getData().utf8String(),
        header(response, "x-line-request-id"), header(response, "x-line-accepted-request-id"),
        header(response, "Retry-After")));
  }

  private record Answer(int status, String body, String requestId, String acceptedRequestId, String retryAfter) {}

  static LineResult classify(int status, String body, String requestId, String acceptedRequestId, String retryAfter,
      boolean push) {
    return classify(new Answer(status, body, requestId, acceptedRequestId, retryAfter), push);
  }

  private static LineResult classify(Answer a, boolean push) {
    String message = parse(a.body).path("message").asText(a.body);
    if (a.status / 100 == 2) return new LineResult.Sent(a.requestId);
    if (a.status == 409 && push) {
      return new LineResult.AlreadyAccepted(a.acceptedRequestId != null ? a.acceptedRequestId : a.requestId);
    }
    if (a.status == 400 && message.contains("Invalid reply token")) return new LineResult.InvalidReplyToken(message);
    if (a.status == 429) {
      if (message.contains("monthly limit")) return new LineResult.QuotaExhausted(message);
      return new LineResult.RateLimited(retryAfter(a.retryAfter));
    }
    if (a.status >= 500) return new LineResult.Unavailable("LINE answered " + a.status);
    return new LineResult.Refused(a.status, message);
  }

  private static Duration retryAfter(String header) {
    if (header == null) return null;
    try {
      return Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return null; // an HTTP date: the dispatcher's own backoff applies
    }
  }

  private HttpRequest withHeaders(HttpRequest request, UUID retryKey, MessageMeta meta) {
    HttpRequest r = request.addHeader(Authorization.oauth2(settings.channelAccessToken()));
    if (retryKey != null) r = r.addHeader(RawHeader.create("X-Line-Retry-Key", retryKey.toString()));
    return r;
  }

  private static ArrayNode messagesArray(List<String> messages) {
    ArrayNode array = JSON.createArrayNode();
    for (String m : messages) array.add(parse(m));
    return array;
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n == null ? JSON.missingNode() : n;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String header(HttpResponse response, String name) {
    return response.getHeader(name).map(HttpHeader::value).orElse(null);
  }

  private static String describe(Throwable c) {
    if (c instanceof java.util.concurrent.TimeoutException) return "timeout: " + c.getMessage();
    if (c instanceof CircuitOpen) return "circuit open";
    if (c instanceof org.apache.pekko.stream.BufferOverflowException) return CLIENT_BUSY + c.getMessage();
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  /** The call was not sent: LINE's breaker is open. */
  private static final class CircuitOpen extends RuntimeException {
    CircuitOpen() {
      super("circuit open", null, false, false);
    }
  }
}
