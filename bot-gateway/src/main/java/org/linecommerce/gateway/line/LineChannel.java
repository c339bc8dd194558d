package org.linecommerce.gateway.line;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.linecommerce.runtime.health.HealthCheck;
import org.linecommerce.runtime.health.HealthChecks;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * The node's LINE channel: the {@link LineMessaging} every part of the gateway uses — over HTTP
 * when {@code linecommerce.line.channel-access-token} is set, else dry-run with the node's
 * {@link LineOutbox} — and what the node knows about the channel's health: the monthly quota
 * (exhausted from the first {@link LineResult.QuotaExhausted} until a call succeeds again) and the
 * breaker. Registers the {@code line} health check (degraded while the quota is exhausted or the
 * breaker open) and the meters {@code line_quota_exhausted} (0/1),
 * {@code line_outbound_results_total{result}}, {@code line_api_rate_limited_total{kind}},
 * {@code line_api_retries_total} and {@code line_inbox_reply_latency_seconds{via}}.
 */
public final class LineChannel implements Extension {

  private final LineSettings settings;
  private final LineOutbox outbox;
  private final LineMessaging messaging;
  private final AtomicReference<Instant> quotaExhaustedSince = new AtomicReference<>();
  private final MeterRegistry registry;

  private LineChannel(ActorSystem<?> system) {
    this.settings = LineSettings.fromConfig(system.settings().config());
    this.outbox = new LineOutbox(settings.outboxCapacity());
    this.messaging = settings.dryRun() ? new DryRunLineMessaging(outbox) : new HttpLineMessaging(system, settings);
    this.registry = Metrics.get(system).registry();
    Gauge.builder("line_quota_exhausted", quotaExhaustedSince, q -> q.get() == null ? 0 : 1)
        .description("1 while LINE answers that the channel's monthly message limit is reached")
        .register(registry);
    ResilientAsk resilience = ResilientAsk.get(system);
    HealthChecks.get(system).register("line", () -> {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("mode", settings.dryRun() ? "dry-run" : "live");
      Instant since = quotaExhaustedSince.get();
      details.put("quota", since == null ? "ok" : "exhausted");
      if (since != null) details.put("quotaExhaustedSince", since.toString());
      var breaker = resilience.breakerStates().get(HttpLineMessaging.BREAKER);
      details.put("breaker", breaker == null ? "closed" : breaker.name().toLowerCase());
      boolean ok = since == null && breaker != ResilientAsk.BreakerState.OPEN;
      return CompletableFuture.completedFuture(new HealthCheck.Result(ok ? "up" : "degraded", details));
    });
  }

  public static LineChannel get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  public LineMessaging messaging() {
    return messaging;
  }

  public boolean dryRun() {
    return settings.dryRun();
  }

  /** The dry-run outbox (empty and unused when live). */
  public LineOutbox outbox() {
    return outbox;
  }

  public LineSettings settings() {
    return settings;
  }

  /** Whether LINE said the monthly limit is reached (and nothing was accepted since). */
  public boolean quotaExhausted() {
    return quotaExhaustedSince.get() != null;
  }

  /** Notes what LINE answered to an outbound call: quota state and the results counter. */
  public void noteResult(LineResult result) {
    if (result instanceof LineResult.QuotaExhausted) quotaExhaustedSince.compareAndSet(null, Instant.now());
    if (result instanceof LineResult.Sent || result instanceof LineResult.AlreadyAccepted) quotaExhaustedSince.set(null);
    Counter.builder("line_outbound_results_total").tag("result", result.getClass().getSimpleName())
        .description("answers of the LINE Messaging API to the reply dispatcher, by kind")
        .register(registry).increment();
    if (result instanceof LineResult.RateLimited || result instanceof LineResult.QuotaExhausted) {
      Counter.builder("line_api_rate_limited_total")
          .description("reply/push calls refused for rate (LINE's 429 or the client-side bucket below LINE's limit) or quota")
          .tag("kind", result instanceof LineResult.RateLimited ? "rate" : "quota")
          .register(registry).increment();
    }
  }

  /** Notes that the dispatcher will call LINE again for a delivery ({@code line_api_retries_total}). */
  public void noteRetry() {
    Counter.builder("line_api_retries_total")
        .description("LINE calls the reply dispatcher repeats after LINE was unavailable or rate-limited")
        .register(registry).increment();
  }

  /**
   * Notes that an answer to a LINE event was delivered {@code latency} after the event
   * ({@code line_inbox_reply_latency_seconds{via}}).
   */
  public void noteAnswered(String via, Duration latency) {
    Timer.builder("line_inbox_reply_latency")
        .description("from a LINE event's timestamp to LINE accepting the answer to it (reply or push)")
        .tag("via", via)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry)
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  static final class Id extends ExtensionId<LineChannel> {
    static final Id INSTANCE = new Id();

    @Override
    public LineChannel createExtension(ActorSystem<?> system) {
      return new LineChannel(system);
    }
  }
}
