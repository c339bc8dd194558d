package org.linecommerce.gateway.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.linecommerce.gateway.api.ChatInboxCommand.Accepted;
import org.linecommerce.gateway.api.InboxClient;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.gateway.line.LineSignature;
import org.linecommerce.gateway.line.WebhookParser;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.http.HttpEdge;
import org.linecommerce.runtime.http.Problem;
import org.linecommerce.runtime.http.Problems;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.tracing.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhook}, LINE's webhook. In this order: the raw body is read whole (the edge's
 * {@code linecommerce.http.max-body-size}, 1 MiB, answers 413 above it); {@code x-line-signature}
 * is checked over those exact bytes (missing, malformed or wrong: 401, nothing recorded, nothing
 * parsed); the body is parsed (not {@code {events:[...]}}: 400); the events are recorded in their
 * chats' inboxes ({@link InboxClient}) and the answer is 200 only once every one is persisted.
 * If any inbox does not confirm within {@code linecommerce.gateway.inbox.accept-timeout} (the
 * journal is down, a node is gone) the answer is 503, so LINE redelivers and the inboxes drop what
 * they already have. LINE's connection check ({@code "events": []}) is 200. The webhook never
 * waits for the reactions to the events.
 *
 * <p>The rate limit: the edge's per-client limit exempts {@code /webhook} (runtime
 * {@code linecommerce.http.rate-limit.exempt-paths}): LINE publishes no address ranges and sends a
 * busy channel's webhooks from a few addresses, so a per-address budget sized for API clients
 * would answer LINE 429 and lose events (LINE does not always redeliver). The signature, checked
 * before anything else, is what keeps strangers out, and a forged request costs one HMAC.
 *
 * <p>Metrics: {@code line_webhook_requests_total{outcome}} ({@code accepted}, {@code unauthorized},
 * {@code invalid}, {@code unavailable}), {@code line_webhook_events_total{result}} ({@code recorded},
 * {@code duplicate}) and {@code line_webhook_accept_seconds}, the time from a verified body to the
 * inboxes' confirmation (to compare with LINE's 2 s).
 */
public final class WebhookRoutes {

  private static final Logger log = LoggerFactory.getLogger(WebhookRoutes.class);
  static final String SOURCE = "bot-gateway";
  private static final Set<String> KNOWN_TYPES = Set.of("message", "follow", "unfollow", "join", "leave", "memberJoined",
      "memberLeft", "postback", "beacon", "accountLink", "unsend", "videoPlayComplete", "membership", "messageEdited");

  private final LineSignature signature;
  private final WebhookParser parser = new WebhookParser();
  private final InboxClient inbox;
  private final MeterRegistry metrics;
  private final Timer acceptTime;
  private final Consumer<Duration> accepted;
  /** a refusal under load repeats on every webhook: one line per second */
  private final LogThrottle refusals = new LogThrottle(java.time.Duration.ofSeconds(1));

  /** {@code accepted}: told each accept time (verified body to events persisted), e.g. to bound work that yields to it. */
  public WebhookRoutes(LineSignature signature, InboxClient inbox, MeterRegistry metrics, Consumer<Duration> accepted) {
    this.signature = signature;
    this.inbox = inbox;
    this.metrics = metrics;
    this.accepted = accepted;
    this.acceptTime = Timer.builder("line_webhook_accept_seconds")
        .description("time from a verified webhook body to its events being persisted")
        .publishPercentiles(0.5, 0.99)
        .register(metrics);
  }

  private void count(String outcome) {
    Counter.builder("line_webhook_requests_total").tag("outcome", outcome).register(metrics).increment();
  }

  /**
   * {@code line_webhook_events_total{type, result}}: each event of a verified, parsed webhook by
   * its LINE type (a type LINE may add later counts as {@code other}) and what became of it:
   * {@code accepted} (persisted in its inbox), {@code duplicate} (already there), {@code rejected}
   * (not recorded: the webhook was answered 503 so LINE redelivers). Bodies refused before parsing
   * (bad signature, invalid JSON) are counted only in {@code line_webhook_requests_total}.
   */
  private void countEvents(List<LineEvent> events, Set<String> duplicates, boolean recorded) {
    for (LineEvent e : events) {
      String result = !recorded ? "rejected" : duplicates.contains(e.eventId()) ? "duplicate" : "accepted";
      Counter.builder("line_webhook_events_total")
          .description("webhook events by LINE type and result: accepted, duplicate, rejected")
          .tag("type", KNOWN_TYPES.contains(e.type()) ? e.type() : "other")
          .tag("result", result)
          .register(metrics)
          .increment();
    }
  }

  public Route route() {
    return path("webhook", () -> post(() ->
        entity(Unmarshaller.entityToByteString(), body ->
            optionalHeaderValueByName("x-line-signature", header -> {
              byte[] bytes = body.toArray();
              if (!signature.verify(bytes, header.orElse(null))) {
                count("unauthorized");
                return Problems.complete(StatusCodes.UNAUTHORIZED, Problem.type("invalid-signature"), "Invalid signature",
                    header.isEmpty() ? "The x-line-signature header is missing."
                        : "The x-line-signature header is not the signature of this body with the channel secret.",
                    List.of());
              }
              WebhookParser.Webhook webhook;
              try {
                webhook = parser.parse(bytes);
              } catch (WebhookParser.InvalidWebhook e) {
                count("invalid");
                return Problems.complete(StatusCodes.BAD_REQUEST, Problem.type("invalid-webhook"), "Invalid webhook body",
                    e.getMessage(), List.of());
              }
              logUnknown(webhook.events());
              String firstEventId = webhook.events().isEmpty() ? null : webhook.events().get(0).eventId();
              return optionalHeaderValueByName("X-Correlation-ID", given -> HttpEdge.rootMeta(SOURCE, edgeMeta -> {
                // the caller's correlation id when it sent one, else the (first) webhookEventId
                MessageMeta meta = given.isPresent() || firstEventId == null ? edgeMeta
                    : MessageMeta.root(SOURCE, firstEventId, edgeMeta.traceparent());
                long started = System.nanoTime();
                return onSuccess(inbox.accept(webhook.events(), meta), result -> {
                  Duration took = Duration.ofNanos(System.nanoTime() - started);
                  acceptTime.record(took);
                  accepted.accept(took);
                  return answer(result, webhook.events());
                });
              }));
            }))));
  }

  private Route answer(AskResult<Accepted> result, List<LineEvent> events) {
    if (result instanceof AskResult.Ok<Accepted> ok) {
      Accepted a = ok.value();
      count("accepted");
      countEvents(events, Set.copyOf(a.duplicateEventIds()), true);
      return complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON,
          "{\"recorded\":" + a.recorded() + ",\"duplicates\":" + a.duplicates() + "}"));
    }
    AskResult.Failed<Accepted> failed = (AskResult.Failed<Accepted>) result;
    count("unavailable");
    countEvents(events, Set.of(), false);
    if (refusals.permit()) {
      log.warn("Webhook events not recorded ({}: {}); answering 503 so LINE redelivers ({} more such webhooks "
          + "since the last line; line_webhook_requests_total{outcome=\"unavailable\"} counts them all)",
          failed.failure(), failed.detail(), refusals.suppressed());
    }
    return Problems.complete(StatusCodes.SERVICE_UNAVAILABLE, Problem.type("inbox-unavailable"), "Events not recorded",
        "The events could not be recorded durably; deliver them again.", List.of(RetryAfter.create(1L)));
  }

  private static void logUnknown(List<LineEvent> events) {
    for (LineEvent e : events) {
      if (!KNOWN_TYPES.contains(e.type())) {
        log.info("Webhook event {} of unknown type '{}' kept as raw JSON", e.eventId(), e.type());
      } else if (e.message() != null && !Set.of("text", "image", "video", "audio", "file", "location", "sticker")
          .contains(e.message().type())) {
        log.info("Webhook event {} with a message of unknown type '{}' kept as raw JSON", e.eventId(), e.message().type());
      }
    }
  }
}
