package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.entity.RememberedEntities;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * A saga: a durable orchestrator that runs the steps of a {@link SagaDefinition} in order and,
 * when a step fails for good, runs the compensations of the steps before it in reverse order. This
 * class is the saga's protocol (its {@link Command}s, {@link Event}s, {@link Status} and
 * {@link Summary}) and its entry points ({@link #init}, {@link #create}, {@link #tags}); clients
 * use {@link Sagas}, and the admin API reads a saga at {@code GET /admin/sagas/{sagaId}}
 * ({@link SagaRoutes}).
 *
 * <p><b>Parts.</b> Each saga is a sharded event-sourced entity (type {@code Saga}, one for every
 * definition; entity id = saga id), built from parts with one job each:
 * <ul>
 *   <li>{@link SagaState}: what the events say (what is in flight, results, command ids, the
 *       timeline); applies one event at a time, nothing else.
 *   <li>{@link SagaDecider}: pure decisions, {@code (state, definition, input) → events}: a start,
 *       a signal, an attempt's result or failure, a passed deadline. Unit-tested without actors.
 *   <li>{@link SagaStepRunner}: the side effects the state asks for: an attempt of an action or a
 *       compensation (with its context, its timeout and its result piped back), a retry timer, a
 *       waiting step's deadline timer.
 *   <li>{@link SagaEntity}: the thin Pekko adapter wiring them: command table per status,
 *       persistence, recovery, definition lookup, idle passivation.
 * </ul>
 *
 * <p><b>Durability.</b> Every transition is persisted before the next action starts: a step's
 * start (with its command id, generated once), each failed attempt (with the absolute instant of
 * the retry), its result, a signal, a passed deadline, each compensation's start and result. On
 * recovery the saga continues from its state: an action or compensation that was in flight is run
 * again with the same command id, and retry delays, wait deadlines and attempt timeouts are
 * re-armed (a deadline that passed while the node was down fires at once). The entity type uses
 * remember-entities ({@link RememberedEntities}), so a live saga is restarted after a crash or a
 * full cluster restart without anyone sending it a message; a saga that is not live passivates
 * after {@code linecommerce.sagas.passivate-finished-after} without commands. Results of actions
 * come back through {@code pipeToSelf} tagged with step, attempt and phase; a late result of an
 * attempt that timed out is ignored. Participants must apply each command id once (the saga may
 * send it again).
 *
 * <p><b>Failure.</b> A step that fails for good makes the saga compensate from that step
 * backwards: an action step with a compensation is compensated itself too (its attempts may have
 * taken effect, wholly or in part), a waiting step's failure is a decision with nothing to undo.
 *
 * <p><b>Statuses.</b> Live: {@code running}, {@code waiting} (for a signal), {@code compensating}.
 * Finished: {@code completed}, {@code failed} (a step failed and every completed step was
 * compensated), {@code requires_manual_intervention} (a compensation failed after its retries; the
 * steps before it were left as they were).
 *
 * <p><b>Events.</b> {@link Event}s are {@link DomainEvent}s ({@code saga.started},
 * {@code saga.step.started}, {@code saga.step.waiting}, {@code saga.step.attempt.failed},
 * {@code saga.step.signalled}, {@code saga.step.deadline.passed}, {@code saga.step.succeeded},
 * {@code saga.completed}, {@code saga.failed}, {@code saga.compensation.started},
 * {@code saga.compensation.attempt.failed}, {@code saga.step.compensated}, {@code saga.compensated},
 * {@code saga.compensation.failed}), tagged with one of {@link #tags} so subscriptions can follow
 * them. Input, results and payloads are stored as JSON text, never as polymorphic objects. Events
 * carry explicit decisions (which step starts, which compensation starts) so that replaying them
 * needs no definition code. They stay nested in this class: their class names are their
 * serialization manifests in the journal.
 */
public final class Saga {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Saga");

  /** The source of the metadata of saga events and of the commands steps send. */
  static final String SOURCE = "saga";

  private Saga() {}

  /**
   * Starts sharding of the {@code Saga} entity type (hosting on nodes with
   * {@code linecommerce.sagas.role}, every node when empty; a proxy elsewhere). Idempotent.
   * Register definitions before, so sagas restarted by remember-entities find theirs at once.
   */
  public static void init(ActorSystem<?> system) {
    Sagas.get(system).startSharding();
  }

  static void startSharding(ActorSystem<?> system) {
    RememberedEntities.init(system, ENTITY_KEY, system.settings().config().getString("linecommerce.sagas.role"),
        Saga::create);
  }

  /** The saga entity; {@code shard} (null outside sharding) is told when a saga passivates. */
  public static Behavior<Command> create(String sagaId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return SagaEntity.create(sagaId, shard);
  }

  /** The tags saga events are spread over ({@code saga-0..N-1}, N = {@code linecommerce.subscriptions.tag-count}). */
  public static EventTags tags(ActorSystem<?> system) {
    return EventTags.fromConfig(system, "saga");
  }

  // ---------------------------------------------------------------- status and summary

  public enum Status {
    NOT_STARTED,
    RUNNING,
    WAITING,
    COMPENSATING,
    COMPLETED,
    FAILED,
    REQUIRES_MANUAL_INTERVENTION;

    /** The status as the API and the timeline spell it ({@code requires_manual_intervention}). */
    @JsonValue
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean isLive() {
      return this == RUNNING || this == WAITING || this == COMPENSATING;
    }

    public boolean isFinished() {
      return this == COMPLETED || this == FAILED || this == REQUIRES_MANUAL_INTERVENTION;
    }
  }

  /** One line of a saga's history: when, which event, for which step (if any), and details. */
  public record TimelineEntry(Instant at, String event, String step, String detail) implements CborSerializable {}

  /**
   * What {@link GetStatus} (and Start and Signal) reply.
   *
   * @param currentStep the step running, waiting or being compensated; the last one when finished
   * @param attempt the current attempt of that step's action or compensation
   * @param deadline when a waiting step's deadline passes (null unless waiting)
   */
  public record Summary(
      String sagaId,
      String definition,
      Status status,
      String currentStep,
      int attempt,
      Instant deadline,
      String failureReason,
      List<TimelineEntry> timeline)
      implements CborSerializable {

    /** False for an id no saga was started with. */
    public boolean exists() {
      return status != Status.NOT_STARTED;
    }
  }

  // ---------------------------------------------------------------- commands

  /** What a saga accepts: {@link Start}, {@link Signal}, {@link GetStatus}; the rest it sends itself. */
  public sealed interface Command extends CborSerializable permits Start, Signal, GetStatus, AwaitStep, InternalCommand {}

  /**
   * Starts the saga with {@code inputJson} unless it exists. Replies the summary: of the new saga,
   * or the current one when this id was already started (a saga never runs twice); an error for an
   * unknown definition, unreadable input, or an id used by another definition.
   */
  public record Start(String definition, String inputJson, MessageMeta meta, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /**
   * Delivers an external signal to step {@code step}: decided at once when the step is waiting,
   * kept for later when the step has not started yet. Replies the summary after the signal was
   * persisted; an error when the saga does not exist, is finished, or that step cannot take it.
   */
  public record Signal(String step, String payloadJson, MessageMeta meta, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /** Replies the summary (status {@code not_started} for an id no saga was started with). */
  public record GetStatus(ActorRef<Summary> replyTo) implements Command {}

  /**
   * Replies the summary once the saga has reached step {@code step} (it runs or waits at it, or is
   * past it), is compensating or has finished — or after {@code within} with the summary as it is
   * then. What a caller that must show a step's outcome asks instead of polling {@link GetStatus}.
   * A saga not started yet waits too (its {@link Start} may still come); a step its definition does
   * not have is answered at once; a null {@code step} waits until the saga has finished. The wait is
   * not state: a crash or rebalance of the saga drops it and the ask times out.
   */
  public record AwaitStep(String step, java.time.Duration within, ActorRef<Summary> replyTo) implements Command {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends DomainEvent {
    String sagaId();
  }

  public record SagaStarted(String sagaId, MessageMeta meta, String definition, String inputJson) implements Event {
    @Override
    public String eventType() {
      return "saga.started";
    }
  }

  public record StepStarted(String sagaId, MessageMeta meta, int step, String stepName, String commandId)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.started";
    }
  }

  public record StepAwaitingSignal(
      String sagaId, MessageMeta meta, int step, String stepName, String commandId, Instant deadline)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.waiting";
    }
  }

  public record StepAttemptFailed(
      String sagaId, MessageMeta meta, int step, String stepName, int attempt, String reason, Instant retryAt)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.attempt.failed";
    }
  }

  /** {@code early}: the step had not started; the signal is kept until it does. */
  public record SignalReceived(
      String sagaId, MessageMeta meta, int step, String stepName, String payloadJson, boolean early)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.signalled";
    }
  }

  public record DeadlinePassed(String sagaId, MessageMeta meta, int step, String stepName, Instant deadline)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.deadline.passed";
    }
  }

  /** {@code attempt} is 0 when a signal or a deadline decided the step. */
  public record StepSucceeded(
      String sagaId, MessageMeta meta, int step, String stepName, int attempt, String resultJson)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.succeeded";
    }
  }

  public record SagaCompleted(String sagaId, MessageMeta meta) implements Event {
    @Override
    public String eventType() {
      return "saga.completed";
    }
  }

  /**
   * A step failed for good; compensation follows. {@code outcomeUnknown}: the step itself is
   * compensated too (an action step with a compensation: its attempts may have taken effect).
   */
  public record SagaFailed(
      String sagaId, MessageMeta meta, int step, String stepName, String reason, boolean outcomeUnknown)
      implements Event {
    @Override
    public String eventType() {
      return "saga.failed";
    }
  }

  public record CompensationStarted(String sagaId, MessageMeta meta, int step, String stepName, String commandId)
      implements Event {
    @Override
    public String eventType() {
      return "saga.compensation.started";
    }
  }

  public record CompensationAttemptFailed(
      String sagaId, MessageMeta meta, int step, String stepName, int attempt, String reason, Instant retryAt)
      implements Event {
    @Override
    public String eventType() {
      return "saga.compensation.attempt.failed";
    }
  }

  public record StepCompensated(
      String sagaId, MessageMeta meta, int step, String stepName, int attempt, String resultJson)
      implements Event {
    @Override
    public String eventType() {
      return "saga.step.compensated";
    }
  }

  /** Every completed step was compensated: the saga ends with status {@code failed}. */
  public record SagaCompensated(String sagaId, MessageMeta meta) implements Event {
    @Override
    public String eventType() {
      return "saga.compensated";
    }
  }

  /** A compensation failed after its retries: the saga ends with {@code requires_manual_intervention}. */
  public record CompensationFailed(
      String sagaId, MessageMeta meta, int step, String stepName, int attempt, String reason)
      implements Event {
    @Override
    public String eventType() {
      return "saga.compensation.failed";
    }
  }
}
