package org.linecommerce.runtime.subscription;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.health.Metrics;

/**
 * Counters of one subscription, tagged {@code subscription=<name>} (Prometheus:
 * {@code subscription_events_processed_total}, {@code …_retried_total},
 * {@code …_dead_lettered_total}, {@code subscription_dead_letters_redelivered_total}).
 */
final class SubscriptionMetrics {

  final Counter processed;
  final Counter retried;
  final Counter deadLettered;
  final Counter redelivered;

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
  }

  static SubscriptionMetrics of(ActorSystem<?> system, String subscription) {
    return new SubscriptionMetrics(Metrics.get(system).registry(), subscription);
  }
}
