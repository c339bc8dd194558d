package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.linecommerce.runtime.resilience.Stages;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.linecommerce.runtime.saga.InternalCommand.AttemptFailed;
import org.linecommerce.runtime.saga.InternalCommand.AttemptSucceeded;
import org.linecommerce.runtime.saga.InternalCommand.DeadlineDue;
import org.linecommerce.runtime.saga.InternalCommand.RetryDue;
import org.linecommerce.runtime.saga.Saga.Status;

/**
 * The side effects a saga's state asks for, once it is persisted: run an attempt of the action (or
 * compensation) in flight, wait for a retry, or wait for a waiting step's deadline.
 *
 * <p>An attempt gets its {@link StepContext} or {@link CompensationContext}, is bounded by the
 * step's timeout (a timer that reports {@link AttemptFailed} with {@code timedOut}), and its result
 * comes back to the saga through {@code pipeToSelf} as {@link AttemptSucceeded} (the result as
 * JSON) or {@link AttemptFailed} (the reason, and whether it is permanent, see
 * {@link FailureReasons}), tagged with phase, step and attempt so a late one is recognized.
 * Definition code that throws, or returns null instead of a stage, fails the attempt like a failed
 * stage. Nothing here blocks: the definition's stage completes on whatever executor it uses.
 */
final class SagaStepRunner {

  private static final String ATTEMPT_TIMER = "attempt";
  private static final String RETRY_TIMER = "retry";
  private static final String DEADLINE_TIMER = "deadline";

  private final ActorContext<Saga.Command> context;
  private final TimerScheduler<Saga.Command> timers;
  private final SagaContexts contexts;
  private final ObjectMapper mapper;
  private final String sagaId;

  SagaStepRunner(ActorContext<Saga.Command> context, TimerScheduler<Saga.Command> timers, SagaContexts contexts, String sagaId) {
    this.context = context;
    this.timers = timers;
    this.contexts = contexts;
    this.mapper = contexts.mapper();
    this.sagaId = sagaId;
  }

  /**
   * Starts what {@code state} says is due, after cancelling what was due before: the attempt in
   * flight now (or a timer until its retry instant), or a timer until a waiting step's deadline
   * (at once if it passed). Nothing for a saga that is not live. {@code definitions} finds the
   * saga's definition, or returns empty (and arranges to look again) when this node lacks it.
   */
  void proceed(SagaState state, Function<SagaState, Optional<SagaDefinition<?>>> definitions) {
    timers.cancel(ATTEMPT_TIMER);
    timers.cancel(RETRY_TIMER);
    timers.cancel(DEADLINE_TIMER);
    Instant now = Instant.now();
    switch (state.status()) {
      case RUNNING, COMPENSATING -> {
        if (state.retryPending(now)) {
          timers.startSingleTimer(RETRY_TIMER,
              new RetryDue(state.status() == Status.COMPENSATING, state.step(), state.attempt()),
              Duration.between(now, state.retryAt()));
        } else {
          definitions.apply(state).ifPresent(definition -> runAttempt(state, definition));
        }
      }
      case WAITING -> {
        Duration left = Duration.between(now, state.deadline());
        timers.startSingleTimer(DEADLINE_TIMER, new DeadlineDue(state.step()), left.isNegative() ? Duration.ZERO : left);
      }
      default -> { } // not live: nothing to run
    }
  }

  /** Whether an attempt is running (its timeout has not fired and no outcome came back). */
  boolean attemptRunning() {
    return timers.isTimerActive(ATTEMPT_TIMER);
  }

  /** The attempt's outcome came back: its timeout no longer applies. */
  void attemptEnded() {
    timers.cancel(ATTEMPT_TIMER);
  }

  /** Runs the attempt in flight in {@code state} of the action or compensation of its step. */
  void runAttempt(SagaState state, SagaDefinition<?> definition) {
    boolean compensation = state.status() == Status.COMPENSATING;
    int step = state.step();
    int attempt = state.attempt();
    SagaStep<?> sagaStep = definition.step(step);
    context.getLog().debug("Saga {}: {} {} attempt {} (command {})",
        sagaId, compensation ? "compensating" : "running", sagaStep.name(), attempt, state.commandId());
    timers.startSingleTimer(ATTEMPT_TIMER,
        new AttemptFailed(compensation, step, attempt, "timed out after " + sagaStep.timeout().toMillis() + " ms", false, true),
        sagaStep.timeout());
    CompletionStage<?> result;
    try {
      result = compensation ? invokeCompensation(definition, state) : invokeAction(definition, state);
      if (result == null) throw new IllegalStateException("returned null instead of a CompletionStage");
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    // a stage converted from a Scala future would run pipeToSelf's callback on the JDK's default executor
    context.pipeToSelf(Stages.onSystem(result, context.getSystem()), (value, error) -> error == null
        ? succeeded(compensation, step, attempt, value)
        : new AttemptFailed(compensation, step, attempt, FailureReasons.describe(error), FailureReasons.isPermanent(error), false));
  }

  private InternalCommand succeeded(boolean compensation, int step, int attempt, Object value) {
    try {
      return new AttemptSucceeded(compensation, step, attempt, mapper.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      return new AttemptFailed(compensation, step, attempt, "result is not JSON: " + e.getOriginalMessage(), true, false);
    }
  }

  private <D> CompletionStage<?> invokeAction(SagaDefinition<D> definition, SagaState state) {
    SagaStep<D> step = definition.step(state.step());
    return step.action().apply(contexts.step(definition, state, state.step(), state.commandId(), state.attempt()));
  }

  private <D> CompletionStage<?> invokeCompensation(SagaDefinition<D> definition, SagaState state) {
    SagaStep<D> step = definition.step(state.step());
    return step.compensation().orElseThrow().apply(contexts.compensation(definition, state));
  }
}
