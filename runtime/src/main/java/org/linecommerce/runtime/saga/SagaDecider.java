package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.entity.Transition;
import org.linecommerce.runtime.saga.InternalCommand.AttemptFailed;
import org.linecommerce.runtime.saga.InternalCommand.AttemptSucceeded;
import org.linecommerce.runtime.saga.Saga.CompensationAttemptFailed;
import org.linecommerce.runtime.saga.Saga.CompensationFailed;
import org.linecommerce.runtime.saga.Saga.CompensationStarted;
import org.linecommerce.runtime.saga.Saga.DeadlinePassed;
import org.linecommerce.runtime.saga.Saga.Event;
import org.linecommerce.runtime.saga.Saga.SagaCompensated;
import org.linecommerce.runtime.saga.Saga.SagaCompleted;
import org.linecommerce.runtime.saga.Saga.SagaFailed;
import org.linecommerce.runtime.saga.Saga.SagaStarted;
import org.linecommerce.runtime.saga.Saga.SignalReceived;
import org.linecommerce.runtime.saga.Saga.Status;
import org.linecommerce.runtime.saga.Saga.StepAttemptFailed;
import org.linecommerce.runtime.saga.Saga.StepAwaitingSignal;
import org.linecommerce.runtime.saga.Saga.StepCompensated;
import org.linecommerce.runtime.saga.Saga.StepStarted;
import org.linecommerce.runtime.saga.Saga.StepSucceeded;

/**
 * What a saga decides, without actors: {@code (state, definition, input) → events}. The inputs are
 * a start, a signal, an attempt's success or failure and a passed deadline; the decision is the
 * events to persist (applied to the state as they are decided, so a step that succeeds and the
 * next step that starts are one decision) or a rejection to reply. The only code run besides is
 * the definition's own: a waiting step's signal handler and wait computation.
 *
 * <p>The rules:
 * <ul>
 *   <li>A started saga enters its first step. Entering an action step starts it (with a new command
 *       id); entering a waiting step stores its deadline and, if its signal came early, decides it
 *       at once.
 *   <li>A step that succeeds enters the next one; after the last one the saga completes.
 *   <li>A failed attempt is retried at {@code now + backoff} while attempts remain and the failure
 *       is not permanent; a compensation that runs out of attempts ends the saga with
 *       {@code requires_manual_intervention}.
 *   <li>A step that fails for good makes the saga fail and compensate backwards: an action step
 *       with a compensation is compensated itself first (its attempts may have taken effect in
 *       part), otherwise the nearest earlier step with a compensation. When no step is left to
 *       compensate the saga ends {@code failed}.
 * </ul>
 *
 * The clock and the command-id generator are given, so tests control them.
 */
final class SagaDecider {

  /**
   * The decision about one input: the {@link Transition} holding the events decided (possibly
   * none) and the state after them, or the reason the input is rejected (replied, nothing stored).
   */
  record Decision(Transition<Event, SagaState> transition, String rejection) {

    static Decision rejected(String reason) {
      return new Decision(null, Objects.requireNonNull(reason, "reason"));
    }

    boolean isRejected() {
      return rejection != null;
    }

    /** The events decided, in order (none for a rejection). */
    List<Event> events() {
      return transition == null ? List.of() : transition.events();
    }

    /** The state after the events. */
    SagaState state() {
      return transition == null ? null : transition.state();
    }

    /** Whether something in flight changed, so the next action or timer must start. */
    boolean movedOn() {
      return transition != null && transition.state().movedOnFrom(transition.before());
    }
  }

  private final String sagaId;
  private final SagaContexts contexts;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Supplier<String> newCommandId;

  SagaDecider(String sagaId, SagaContexts contexts, Clock clock, Supplier<String> newCommandId) {
    this.sagaId = sagaId;
    this.contexts = contexts;
    this.mapper = contexts.mapper();
    this.clock = clock;
    this.newCommandId = newCommandId;
  }

  // ---------------------------------------------------------------- inputs

  /** Starts a saga that does not exist with {@code inputJson}; rejected when the input does not decode. */
  Decision start(SagaState state, SagaDefinition<?> definition, String inputJson, MessageMeta meta) {
    try {
      definition.decodeInput(mapper, inputJson);
    } catch (IllegalArgumentException e) {
      return Decision.rejected(e.getMessage());
    }
    Transition<Event, SagaState> t = transition(state, meta != null ? meta : MessageMeta.root(Saga.SOURCE, sagaId));
    t.add(new SagaStarted(sagaId, t.meta(), definition.name(), inputJson));
    enterStep(t, definition, 0);
    return accepted(t);
  }

  /**
   * A signal for step {@code stepName} of a live saga: decided by the step's signal handler when the
   * step is waiting, kept when the step has not started yet, rejected otherwise.
   */
  Decision signal(SagaState state, SagaDefinition<?> definition, String stepName, String payloadJson, MessageMeta meta) {
    int index = definition.indexOf(stepName);
    if (index < 0 || definition.step(index).kind() != SagaStep.Kind.AWAIT_SIGNAL) {
      return Decision.rejected("saga " + sagaId + " has no step '" + stepName + "' that waits for a signal");
    }
    String payload;
    try {
      payload = mapper.writeValueAsString(mapper.readTree(payloadJson == null ? "null" : payloadJson));
    } catch (JsonProcessingException e) {
      return Decision.rejected("signal payload is not JSON: " + e.getOriginalMessage());
    }
    Transition<Event, SagaState> t = transition(state, meta != null ? meta : state.origin());
    if (state.status() == Status.WAITING && state.step() == index) {
      StepOutcome outcome;
      try {
        outcome = decideSignal(definition, state, index, payload);
      } catch (RuntimeException e) {
        return Decision.rejected("signal handler of step " + stepName + " failed: " + FailureReasons.describe(e));
      }
      t.add(new SignalReceived(sagaId, t.meta(), index, stepName, payload, false));
      applyOutcome(t, definition, index, outcome);
    } else if (state.status() != Status.COMPENSATING && index > state.step()
        && !state.earlySignals().containsKey(stepName)) {
      t.add(new SignalReceived(sagaId, t.meta(), index, stepName, payload, true));
    } else {
      return Decision.rejected("step " + stepName + " of saga " + sagaId + " is not waiting for a signal (saga "
          + state.status().code() + " at step " + state.stepName() + ")");
    }
    return accepted(t);
  }

  /** The attempt in flight succeeded: the step succeeds, or its compensation is done. */
  Decision attemptSucceeded(SagaState state, SagaDefinition<?> definition, AttemptSucceeded result) {
    Transition<Event, SagaState> t = transition(state, state.origin());
    if (result.compensation()) {
      t.add(new StepCompensated(sagaId, t.meta(), result.step(), state.stepName(), result.attempt(), result.resultJson()));
      compensateFrom(t, definition, result.step() - 1);
    } else {
      stepSucceeded(t, definition, result.step(), result.attempt(), result.resultJson());
    }
    return accepted(t);
  }

  /** The attempt in flight failed: a retry, a step failed for good, or a compensation failed for good. */
  Decision attemptFailed(SagaState state, SagaDefinition<?> definition, AttemptFailed failure) {
    SagaStep<?> step = definition.step(failure.step());
    RetryPolicy policy = failure.compensation() ? step.compensationRetry() : step.retry();
    Transition<Event, SagaState> t = transition(state, state.origin());
    if (!failure.permanent() && failure.attempt() < policy.maxAttempts()) {
      Instant retryAt = clock.instant().plus(policy.backoffAfter(failure.attempt()));
      t.add(failure.compensation()
          ? new CompensationAttemptFailed(sagaId, t.meta(), failure.step(), step.name(), failure.attempt(), failure.reason(), retryAt)
          : new StepAttemptFailed(sagaId, t.meta(), failure.step(), step.name(), failure.attempt(), failure.reason(), retryAt));
    } else if (failure.compensation()) {
      t.add(new CompensationFailed(sagaId, t.meta(), failure.step(), step.name(), failure.attempt(), failure.reason()));
    } else {
      failStep(t, definition, failure.step(), failure.reason());
    }
    return accepted(t);
  }

  /** The deadline of the waiting step passed: the step takes its deadline outcome. */
  Decision deadlinePassed(SagaState state, SagaDefinition<?> definition) {
    Transition<Event, SagaState> t = transition(state, state.origin());
    t.add(new DeadlinePassed(sagaId, t.meta(), state.step(), state.stepName(), state.deadline()));
    applyOutcome(t, definition, state.step(), definition.step(state.step()).deadlineOutcome());
    return accepted(t);
  }

  // ---------------------------------------------------------------- rules

  private void enterStep(Transition<Event, SagaState> t, SagaDefinition<?> definition, int index) {
    SagaStep<?> step = definition.step(index);
    String commandId = newCommandId.get();
    if (step.kind() == SagaStep.Kind.ACTION) {
      t.add(new StepStarted(sagaId, t.meta(), index, step.name(), commandId));
      return;
    }
    Duration within;
    try {
      within = waitFor(definition, t.state(), index, commandId);
    } catch (RuntimeException e) {
      failStep(t, definition, index, "could not compute the deadline: " + FailureReasons.describe(e));
      return;
    }
    t.add(new StepAwaitingSignal(sagaId, t.meta(), index, step.name(), commandId, clock.instant().plus(within)));
    String early = t.state().earlySignals().get(step.name());
    if (early != null) {
      StepOutcome outcome;
      try {
        outcome = decideSignal(definition, t.state(), index, early);
      } catch (RuntimeException e) {
        outcome = StepOutcome.failure("signal handler failed: " + FailureReasons.describe(e));
      }
      applyOutcome(t, definition, index, outcome);
    }
  }

  private void stepSucceeded(Transition<Event, SagaState> t, SagaDefinition<?> definition, int index, int attempt, String resultJson) {
    t.add(new StepSucceeded(sagaId, t.meta(), index, definition.step(index).name(), attempt, resultJson));
    if (index + 1 < definition.steps().size()) {
      enterStep(t, definition, index + 1);
    } else {
      t.add(new SagaCompleted(sagaId, t.meta()));
    }
  }

  private void applyOutcome(Transition<Event, SagaState> t, SagaDefinition<?> definition, int index, StepOutcome outcome) {
    if (outcome instanceof StepOutcome.Success success) {
      String json;
      try {
        json = mapper.writeValueAsString(success.result());
      } catch (JsonProcessingException e) {
        failStep(t, definition, index, "result is not JSON: " + e.getOriginalMessage());
        return;
      }
      stepSucceeded(t, definition, index, 0, json);
    } else if (outcome instanceof StepOutcome.Failure failure) {
      failStep(t, definition, index, failure.reason());
    } else {
      failStep(t, definition, index, "no outcome decided");
    }
  }

  /**
   * A step failed for good: the saga compensates from that step backwards. An action step is
   * compensated itself too (whether it timed out or failed): its attempts may have taken effect in
   * part (some lines reserved, others not), and compensations tolerate having nothing to undo. A
   * waiting step's failure is a decision (a cancel, a passed deadline) with no effect to undo.
   */
  private void failStep(Transition<Event, SagaState> t, SagaDefinition<?> definition, int index, String reason) {
    SagaStep<?> step = definition.step(index);
    boolean compensateItself = step.kind() == SagaStep.Kind.ACTION && step.hasCompensation();
    t.add(new SagaFailed(sagaId, t.meta(), index, step.name(), reason, compensateItself));
    compensateFrom(t, definition, compensateItself ? index : index - 1);
  }

  /** Starts the compensation of the nearest step at or before {@code from} that has one, or ends the saga. */
  private void compensateFrom(Transition<Event, SagaState> t, SagaDefinition<?> definition, int from) {
    for (int i = from; i >= 0; i--) {
      SagaStep<?> step = definition.step(i);
      if (step.hasCompensation()) {
        t.add(new CompensationStarted(sagaId, t.meta(), i, step.name(), newCommandId.get()));
        return;
      }
    }
    t.add(new SagaCompensated(sagaId, t.meta()));
  }

  // ---------------------------------------------------------------- the definition's code

  private <D> StepOutcome decideSignal(SagaDefinition<D> definition, SagaState state, int index, String payloadJson) {
    SagaStep<D> step = definition.step(index);
    StepOutcome outcome = step.signalHandler().apply(
        contexts.step(definition, state, index, state.commandIds().get(step.name()), 0),
        SagaContext.readTree(mapper, payloadJson));
    if (outcome == null) throw new IllegalStateException("signal handler returned no outcome");
    return outcome;
  }

  private <D> Duration waitFor(SagaDefinition<D> definition, SagaState state, int index, String commandId) {
    Duration within = definition.step(index).deadline().apply(contexts.step(definition, state, index, commandId, 0));
    if (within == null || within.isNegative()) throw new IllegalStateException("the wait must be a duration >= 0");
    return within;
  }

  private Transition<Event, SagaState> transition(SagaState state, MessageMeta cause) {
    return new Transition<>(state, SagaState::apply, cause, Saga.SOURCE);
  }

  private static Decision accepted(Transition<Event, SagaState> t) {
    return new Decision(t, null);
  }
}
