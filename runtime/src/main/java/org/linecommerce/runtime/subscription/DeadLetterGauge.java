package org.linecommerce.runtime.subscription;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.linecommerce.runtime.health.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@code subscription_dead_letters{subscription}}: dead letters waiting for an operator
 * ({@code pending}), read from the {@link DeadLetterStore} every
 * {@code linecommerce.metrics.poll-interval}. The store is shared by the cluster, so every node
 * reports the same cluster-wide numbers: aggregate them with {@code max}, not {@code sum}. Every
 * subscription started on this node shows, at 0 when it has none; so does any other subscription
 * that has pending dead letters.
 */
public final class DeadLetterGauge implements Extension {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterGauge.class);

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();

  private DeadLetterGauge(ActorSystem<?> system) {
    this.registry = Metrics.get(system).registry();
    DeadLetterStore store = DeadLetterStore.get(system);
    Duration every = system.settings().config().getDuration("linecommerce.metrics.poll-interval");
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, every, () ->
        store.pendingBySubscription().whenComplete((counts, failure) -> {
          if (failure != null) {
            log.debug("Dead letters not counted this round: {}", failure.toString());
            return;
          }
          pending.forEach((name, value) -> value.set(counts.getOrDefault(name, 0L)));
          counts.forEach((name, count) -> gauge(name).set(count));
        }), system.executionContext());
  }

  public static DeadLetterGauge get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Shows {@code subscription}'s gauge (0 until the store says otherwise). */
  void track(String subscription) {
    gauge(subscription);
  }

  /** The latest count of pending dead letters of {@code subscription}, as the gauge shows it. */
  public long pending(String subscription) {
    AtomicLong value = pending.get(subscription);
    return value == null ? 0 : value.get();
  }

  private AtomicLong gauge(String subscription) {
    return pending.computeIfAbsent(subscription, name -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("subscription_dead_letters", value, AtomicLong::get)
          .description("dead letters waiting for an operator (cluster-wide, read from the dead-letter store)")
          .tag("subscription", name)
          .register(registry);
      return value;
    });
  }

  static final class Id extends ExtensionId<DeadLetterGauge> {
    static final Id INSTANCE = new Id();

    @Override
    public DeadLetterGauge createExtension(ActorSystem<?> system) {
      return new DeadLetterGauge(system);
    }
  }
}
