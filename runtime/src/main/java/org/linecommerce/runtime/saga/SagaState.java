package org.linecommerce.runtime.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;
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
import org.linecommerce.runtime.saga.Saga.TimelineEntry;

/**
 * A saga's state, rebuilt from its {@link Saga.Event}s by {@link #apply} (and stored as the
 * entity's snapshot). {@code step}/{@code stepName}/{@code commandId}/{@code attempt} describe what
 * is in flight: the action of the running or waiting step, or the compensation being run.
 * {@code retryAt}: the current attempt must not start before it. {@code deadline}: when the waiting
 * step's wait ends. {@code commandIds}: each started step's action command id (its compensation
 * needs it); {@code results}: JSON results of the steps that succeeded; {@code earlySignals}:
 * payloads of signals that arrived before their step started; {@code timeline}: one entry per
 * event, for the admin API.
 *
 * <p>Snapshots written by version 1 have the manifest {@code Saga$State} (this record was nested in
 * {@link Saga}); {@link SagaStateMigration} reads them as this class. A snapshot written before a
 * field existed lacks it: the compact constructor turns a missing status into
 * {@code not_started} and missing collections into empty ones, so it still loads.
 */
public record SagaState(
    String definition,
    String inputJson,
    MessageMeta origin,
    Status status,
    int step,
    String stepName,
    String commandId,
    int attempt,
    Instant retryAt,
    Instant deadline,
    Map<String, String> results,
    Map<String, String> commandIds,
    Map<String, String> earlySignals,
    String failureReason,
    List<TimelineEntry> timeline)
    implements CborSerializable {

  public SagaState {
    status = status == null ? Status.NOT_STARTED : status;
    results = results == null ? Map.of() : Map.copyOf(results);
    commandIds = commandIds == null ? Map.of() : Map.copyOf(commandIds);
    earlySignals = earlySignals == null ? Map.of() : Map.copyOf(earlySignals);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
  }

  /** The state of a saga id that was never started. */
  public static SagaState empty() {
    return new SagaState(null, null, null, Status.NOT_STARTED, -1, null, null, 0, null, null,
        Map.of(), Map.of(), Map.of(), null, List.of());
  }

  // ---------------------------------------------------------------- queries

  /** Whether the attempt {@code attempt} of step {@code step}'s action (or compensation) is the one in flight. */
  boolean isInFlight(boolean compensation, int step, int attempt) {
    return status == (compensation ? Status.COMPENSATING : Status.RUNNING)
        && this.step == step && this.attempt == attempt;
  }

  /** Whether the attempt in flight must wait until {@link #retryAt()}, which is after {@code now}. */
  boolean retryPending(Instant now) {
    return retryAt != null && retryAt.isAfter(now);
  }

  /** Whether something in flight changed since {@code before}: the status, the step or the attempt. */
  boolean movedOnFrom(SagaState before) {
    return before.status != status || before.step != step || before.attempt != attempt;
  }

  /** What {@link Saga.GetStatus} replies for saga {@code sagaId}. */
  Saga.Summary summary(String sagaId) {
    return new Saga.Summary(sagaId, definition, status, stepName, attempt,
        status == Status.WAITING ? deadline : null, failureReason, timeline);
  }

  // ---------------------------------------------------------------- events

  /** This state after {@code event}. Pure: replaying a saga's events needs no definition code. */
  public SagaState apply(Event event) {
    if (event instanceof SagaStarted e) {
      return withDefinition(e.definition(), e.inputJson(), e.meta()).withStatus(Status.RUNNING)
          .logged(e, null, "definition " + e.definition());
    }
    if (event instanceof StepStarted e) {
      return withStatus(Status.RUNNING).withInFlight(e.step(), e.stepName(), e.commandId())
          .withActionCommandId(e.stepName(), e.commandId()).logged(e, e.stepName(), "command " + e.commandId());
    }
    if (event instanceof StepAwaitingSignal e) {
      return withStatus(Status.WAITING).withInFlight(e.step(), e.stepName(), e.commandId()).withDeadline(e.deadline())
          .withActionCommandId(e.stepName(), e.commandId()).logged(e, e.stepName(), "until " + e.deadline());
    }
    if (event instanceof StepAttemptFailed e) {
      return withRetry(e.attempt() + 1, e.retryAt())
          .logged(e, e.stepName(), "attempt " + e.attempt() + ": " + e.reason() + " (retry at " + e.retryAt() + ")");
    }
    if (event instanceof SignalReceived e) {
      return (e.early() ? withEarlySignal(e.stepName(), e.payloadJson()) : this)
          .logged(e, e.stepName(), (e.early() ? "before the step started: " : "") + e.payloadJson());
    }
    if (event instanceof DeadlinePassed e) {
      return logged(e, e.stepName(), "deadline " + e.deadline() + " passed");
    }
    if (event instanceof StepSucceeded e) {
      return withStatus(Status.RUNNING).withDeadline(null).withResult(e.stepName(), e.resultJson())
          .logged(e, e.stepName(), (e.attempt() > 0 ? "attempt " + e.attempt() + ": " : "") + e.resultJson());
    }
    if (event instanceof SagaCompleted e) {
      return withStatus(Status.COMPLETED).logged(e, null, null);
    }
    if (event instanceof SagaFailed e) {
      return withStatus(Status.COMPENSATING).withDeadline(null)
          .withFailureReason("step " + e.stepName() + " failed: " + e.reason())
          .logged(e, e.stepName(), e.reason() + (e.outcomeUnknown() ? " (compensated too)" : ""));
    }
    if (event instanceof CompensationStarted e) {
      return withStatus(Status.COMPENSATING).withInFlight(e.step(), e.stepName(), e.commandId())
          .logged(e, e.stepName(), "command " + e.commandId());
    }
    if (event instanceof CompensationAttemptFailed e) {
      return withRetry(e.attempt() + 1, e.retryAt())
          .logged(e, e.stepName(), "attempt " + e.attempt() + ": " + e.reason() + " (retry at " + e.retryAt() + ")");
    }
    if (event instanceof StepCompensated e) {
      return logged(e, e.stepName(), "attempt " + e.attempt() + ": " + e.resultJson());
    }
    if (event instanceof SagaCompensated e) {
      return withStatus(Status.FAILED).logged(e, null, failureReason);
    }
    if (event instanceof CompensationFailed e) {
      return withStatus(Status.REQUIRES_MANUAL_INTERVENTION)
          .withFailureReason(failureReason + "; compensation of " + e.stepName() + " failed: " + e.reason())
          .logged(e, e.stepName(), "attempt " + e.attempt() + ": " + e.reason());
    }
    throw new IllegalArgumentException("not a saga event: " + event);
  }

  // ---------------------------------------------------------------- copies with one change

  private SagaState withDefinition(String definition, String inputJson, MessageMeta origin) {
    return new SagaState(definition, inputJson, origin, status, step, stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, earlySignals, failureReason, timeline);
  }

  private SagaState withStatus(Status status) {
    return new SagaState(definition, inputJson, origin, status, step, stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, earlySignals, failureReason, timeline);
  }

  /** A new action or compensation in flight: its first attempt, due now, without a deadline. */
  private SagaState withInFlight(int step, String stepName, String commandId) {
    return new SagaState(definition, inputJson, origin, status, step, stepName, commandId, 1, null,
        null, results, commandIds, earlySignals, failureReason, timeline);
  }

  private SagaState withRetry(int attempt, Instant retryAt) {
    return new SagaState(definition, inputJson, origin, status, step, stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, earlySignals, failureReason, timeline);
  }

  private SagaState withDeadline(Instant deadline) {
    return new SagaState(definition, inputJson, origin, status, step, stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, earlySignals, failureReason, timeline);
  }

  private SagaState withActionCommandId(String stepName, String id) {
    return new SagaState(definition, inputJson, origin, status, step, this.stepName, commandId, attempt, retryAt,
        deadline, results, put(commandIds, stepName, id), earlySignals, failureReason, timeline);
  }

  private SagaState withResult(String stepName, String json) {
    return new SagaState(definition, inputJson, origin, status, step, this.stepName, commandId, attempt, retryAt,
        deadline, put(results, stepName, json), commandIds, earlySignals, failureReason, timeline);
  }

  private SagaState withEarlySignal(String stepName, String json) {
    return new SagaState(definition, inputJson, origin, status, step, this.stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, put(earlySignals, stepName, json), failureReason, timeline);
  }

  private SagaState withFailureReason(String failureReason) {
    return new SagaState(definition, inputJson, origin, status, step, stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, earlySignals, failureReason, timeline);
  }

  /** This state with {@code e} on its timeline (about {@code stepName}, if any). */
  private SagaState logged(Event e, String stepName, String detail) {
    List<TimelineEntry> next = new ArrayList<>(timeline.size() + 1);
    next.addAll(timeline);
    next.add(new TimelineEntry(e.meta().timestamp(), e.eventType(), stepName, FailureReasons.truncate(detail)));
    return new SagaState(definition, inputJson, origin, status, step, this.stepName, commandId, attempt, retryAt,
        deadline, results, commandIds, earlySignals, failureReason, next);
  }

  private static Map<String, String> put(Map<String, String> map, String key, String value) {
    Map<String, String> next = new HashMap<>(map);
    next.put(key, value);
    return next;
  }
}
