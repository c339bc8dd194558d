package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Builds what a saga's definition code is given, from the saga's state: a {@link StepContext} for
 * an action, a signal handler or a deadline, a {@link CompensationContext} for a compensation.
 * The metadata of every context is caused by the saga's origin (same correlation id and trace).
 */
final class SagaContexts {

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final String sagaId;

  /** {@code system} is only handed to the definition's code (null in unit tests of the decider). */
  SagaContexts(ActorSystem<?> system, ObjectMapper mapper, String sagaId) {
    this.system = system;
    this.mapper = mapper;
    this.sagaId = sagaId;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** The context of step {@code index} (its action attempt, signal handler or deadline). */
  <D> StepContext<D> step(SagaDefinition<D> definition, SagaState state, int index, String commandId, int attempt) {
    SagaStep<D> step = definition.step(index);
    return new StepContext<>(system, mapper, sagaId, step.name(), commandId, attempt, step.timeout(),
        definition.decodeInput(mapper, state.inputJson()), state.results(), state.origin().causes(Saga.SOURCE));
  }

  /** The context of the compensation in flight. */
  <D> CompensationContext<D> compensation(SagaDefinition<D> definition, SagaState state) {
    SagaStep<D> step = definition.step(state.step());
    return new CompensationContext<>(system, mapper, sagaId, step.name(), state.commandId(),
        state.commandIds().get(step.name()), state.attempt(), step.timeout(),
        definition.decodeInput(mapper, state.inputJson()), state.results(), state.failureReason(),
        state.origin().causes(Saga.SOURCE));
  }
}
