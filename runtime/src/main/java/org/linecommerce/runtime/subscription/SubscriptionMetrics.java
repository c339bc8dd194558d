package org.linecommerce.runtime.subscription;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.health.Metrics;

/**
 * Counters of one subscription, tagged {@code subscription=<name>} (Prometheus:
 * {@code subscription_events_processed_total}, {@code …_retried_total},
 * {@code …_dead_lettered_total}, {@code subscription_dead_letters_redelivered_total}) and the gauge
 * {@code subscription_lag_seconds}: for the last event this node's projections of the subscription
 * handled, how long after it was persisted the handler completed it (0 until one was handled).
 * It is the delay of the newest work done, not the age of the newest event: an idle subscription
 * that is caught up keeps showing the small lag of its last event.
 */
final class SubscriptionMetrics {

  final Counter processed;
  final Counter retried;
  final Counter deadLettered;
  final Counter redelivered;
  private final AtomicLong lagMillis = new AtomicLong();

  private SubscriptionMetrics(MeterRegistry registry, String subscription) {
    processed = Counter.builder("subscription.events.processed")
        .description("events the subscription's handler completed")
        .tag("subscription", subscription)
        .register(registry);
    retried = Counter.builder("subscription.events.retried")
        .description("handler attempts repeated after a failure")
        .tag("subscription", subscription)
        .register(registry);
    deadLettered = Counter.builder("subscription.events.dead_lettered")
        .description("events sent to the dead-letter store after the last attempt failed")
        .tag("subscription", subscription)
        .register(registry);
    redelivered = Counter.builder("subscription.dead_letters.redelivered")
        .description("dead letters an operator retried successfully")
        .tag("subscription", subscription)
        .register(registry);
    Gauge.builder("subscription_lag_seconds", lagMillis, m -> m.get() / 1000.0)
        .description("how long after it was persisted the last event handled on this node was completed")
        .tag("subscription", subscription)
        .register(registry);
  }

  /** Records that an event persisted at {@code persisted} was handled just now. */
  void handled(Instant persisted) {
    lagMillis.set(Math.max(0, Duration.between(persisted, Instant.now()).toMillis()));
  }

  static SubscriptionMetrics of(ActorSystem<?> system, String subscription) {
    return new SubscriptionMetrics(Metrics.get(system).registry(), subscription);
  }
}
