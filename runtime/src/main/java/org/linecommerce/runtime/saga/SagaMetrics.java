package org.linecommerce.runtime.saga;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.runtime.health.Metrics;

/**
 * Saga counters, for every saga definition in one place, tagged {@code saga=<definition name>}
 * (Prometheus names): {@code saga_started_total}; {@code saga_completed_total{outcome}} when a saga
 * ends ({@code completed}, {@code compensated} after a failed step, or
 * {@code manual_intervention} when a compensation failed for good); {@code saga_compensations_total}
 * when a step failed for good and the saga began compensating. Counted by the entity after the
 * events are persisted, never on replay, so a saga recovering on another node is not counted twice.
 */
final class SagaMetrics {

  private final MeterRegistry registry;

  private SagaMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  static SagaMetrics of(ActorSystem<?> system) {
    return new SagaMetrics(Metrics.get(system).registry());
  }

  /** Counts what {@code events}, just persisted by a saga of {@code definition}, say happened. */
  void persisted(String definition, List<Saga.Event> events) {
    for (Saga.Event event : events) {
      if (event instanceof Saga.SagaStarted e) {
        counter("saga_started", "sagas started", e.definition()).increment();
      } else if (event instanceof Saga.SagaCompleted) {
        completed(definition, "completed");
      } else if (event instanceof Saga.SagaCompensated) {
        completed(definition, "compensated");
      } else if (event instanceof Saga.CompensationFailed) {
        completed(definition, "manual_intervention");
      } else if (event instanceof Saga.SagaFailed) {
        counter("saga_compensations", "sagas whose step failed for good, so they began compensating", definition).increment();
      }
    }
  }

  private void completed(String definition, String outcome) {
    Counter.builder("saga_completed")
        .description("sagas that ended, by outcome: completed, compensated, manual_intervention")
        .tag("saga", definition)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private Counter counter(String name, String description, String definition) {
    return Counter.builder(name).description(description).tag("saga", definition).register(registry);
  }
}
