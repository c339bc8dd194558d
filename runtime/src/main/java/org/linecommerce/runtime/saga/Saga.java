package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.DomainEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.entity.IdlePassivation;
import org.linecommerce.runtime.entity.RememberedEntities;
import org.linecommerce.runtime.entity.Transition;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.runtime.http.Json;

/**
 * One saga instance: a durable orchestrator that runs the steps of a {@link SagaDefinition} in
 * order and, when a step fails for good, runs the compensations of the steps before it in reverse
 * order. It is a sharded event-sourced entity (type {@code Saga}, one for every definition); the
 * entity id is the saga id. Clients use {@link Sagas}; the admin API reads it at
 * {@code GET /admin/sagas/{sagaId}} ({@link SagaRoutes}).
 *
 * <p><b>Durability.</b> Every transition is persisted before the next action starts: a step's
 * start (with its command id, generated once), each failed attempt (with the absolute instant of
 * the retry), its result, a signal, a passed deadline, each compensation's start and result. On
 * {@link RecoveryCompleted} the saga continues from its state: an action or compensation that was
 * in flight is run again with the same command id, and retry delays, wait deadlines and attempt
 * timeouts are re-armed (a deadline that passed while the node was down fires at once). The entity
 * type uses remember-entities (event-sourced store), so a live saga is restarted after a crash or
 * a full cluster restart without anyone sending it a message; finished sagas passivate after
 * {@code linecommerce.sagas.passivate-finished-after}. Results of actions come back through
 * {@code pipeToSelf} tagged with step, attempt and phase; a late result of an attempt that timed
 * out is ignored. Participants must apply each command id once (the saga may send it again).
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
 * needs no definition code.
 */
public final class Saga extends EventSourcedBehaviorWithEnforcedReplies<Saga.Command, Saga.Event, Saga.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Saga");

  static final String SOURCE = "saga";
  private static final int MAX_DETAIL = 300;
  private static final int SNAPSHOT_EVERY = 50;
  private static final Duration DEFINITION_RECHECK = Duration.ofSeconds(1);
  private static final String ATTEMPT_TIMER = "attempt";
  private static final String RETRY_TIMER = "retry";
  private static final String DEADLINE_TIMER = "deadline";
  private static final String RECHECK_TIMER = "recheck";

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

  public sealed interface Command extends CborSerializable {}

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

  /** An attempt's result, piped to self; no reply. */
  private record AttemptSucceeded(boolean compensation, int step, int attempt, String resultJson) implements Command {}

  /** An attempt's failure or timeout; no reply. */
  private record AttemptFailed(
      boolean compensation, int step, int attempt, String reason, boolean permanent, boolean timedOut)
      implements Command {}

  /** A retry delay ended; no reply. */
  private record RetryDue(boolean compensation, int step, int attempt) implements Command {}

  /** A waiting step's deadline passed; no reply. */
  private record DeadlineDue(int step) implements Command {}

  /** Looks for a definition that was not registered yet; no reply. */
  private enum Recheck implements Command { INSTANCE }

  /** A finished saga was idle long enough to leave memory; no reply. */
  private enum Idle implements Command { INSTANCE }

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

  // ---------------------------------------------------------------- state

  /**
   * The saga's state, rebuilt from its events. {@code step}/{@code stepName}/{@code commandId}/
   * {@code attempt} describe what is in flight: the action of the running or waiting step, or the
   * compensation being run. {@code retryAt}: the current attempt must not start before it.
   * {@code commandIds}: each started step's action command id (a compensation needs it);
   * {@code results}: JSON results of the steps that succeeded; {@code earlySignals}: payloads of
   * signals that arrived before their step started.
   */
  public record State(
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

    static State empty() {
      return new State(null, null, null, Status.NOT_STARTED, -1, null, null, 0, null, null,
          Map.of(), Map.of(), Map.of(), null, List.of());
    }

    State started(SagaStarted e) {
      return new Edit(this).definition(e.definition(), e.inputJson(), e.meta()).status(Status.RUNNING)
          .log(e, null, "definition " + e.definition()).done();
    }

    State stepStarted(StepStarted e) {
      return new Edit(this).status(Status.RUNNING).inFlight(e.step(), e.stepName(), e.commandId())
          .actionCommandId(e.stepName(), e.commandId()).log(e, e.stepName(), "command " + e.commandId()).done();
    }

    State awaitingSignal(StepAwaitingSignal e) {
      return new Edit(this).status(Status.WAITING).inFlight(e.step(), e.stepName(), e.commandId())
          .deadline(e.deadline()).actionCommandId(e.stepName(), e.commandId())
          .log(e, e.stepName(), "until " + e.deadline()).done();
    }

    State attemptFailed(StepAttemptFailed e) {
      return new Edit(this).retry(e.attempt() + 1, e.retryAt())
          .log(e, e.stepName(), "attempt " + e.attempt() + ": " + e.reason() + " (retry at " + e.retryAt() + ")").done();
    }

    State signalled(SignalReceived e) {
      Edit edit = new Edit(this);
      if (e.early()) edit.earlySignal(e.stepName(), e.payloadJson());
      return edit.log(e, e.stepName(), (e.early() ? "before the step started: " : "") + e.payloadJson()).done();
    }

    State deadlinePassed(DeadlinePassed e) {
      return new Edit(this).log(e, e.stepName(), "deadline " + e.deadline() + " passed").done();
    }

    State stepSucceeded(StepSucceeded e) {
      return new Edit(this).status(Status.RUNNING).deadline(null).result(e.stepName(), e.resultJson())
          .log(e, e.stepName(), (e.attempt() > 0 ? "attempt " + e.attempt() + ": " : "") + e.resultJson()).done();
    }

    State completed(SagaCompleted e) {
      return new Edit(this).status(Status.COMPLETED).log(e, null, null).done();
    }

    State failed(SagaFailed e) {
      return new Edit(this).status(Status.COMPENSATING).deadline(null)
          .failureReason("step " + e.stepName() + " failed: " + e.reason())
          .log(e, e.stepName(), e.reason() + (e.outcomeUnknown() ? " (compensated too)" : "")).done();
    }

    State compensationStarted(CompensationStarted e) {
      return new Edit(this).status(Status.COMPENSATING).inFlight(e.step(), e.stepName(), e.commandId())
          .log(e, e.stepName(), "command " + e.commandId()).done();
    }

    State compensationAttemptFailed(CompensationAttemptFailed e) {
      return new Edit(this).retry(e.attempt() + 1, e.retryAt())
          .log(e, e.stepName(), "attempt " + e.attempt() + ": " + e.reason() + " (retry at " + e.retryAt() + ")").done();
    }

    State compensated(StepCompensated e) {
      return new Edit(this).log(e, e.stepName(), "attempt " + e.attempt() + ": " + e.resultJson()).done();
    }

    State sagaCompensated(SagaCompensated e) {
      return new Edit(this).status(Status.FAILED).log(e, null, failureReason).done();
    }

    State compensationFailed(CompensationFailed e) {
      return new Edit(this).status(Status.REQUIRES_MANUAL_INTERVENTION)
          .failureReason(failureReason + "; compensation of " + e.stepName() + " failed: " + e.reason())
          .log(e, e.stepName(), "attempt " + e.attempt() + ": " + e.reason()).done();
    }
  }

  /** Copy-on-write helper for the event handler. */
  private static final class Edit {
    private String definition;
    private String inputJson;
    private MessageMeta origin;
    private Status status;
    private int step;
    private String stepName;
    private String commandId;
    private int attempt;
    private Instant retryAt;
    private Instant deadline;
    private Map<String, String> results;
    private Map<String, String> commandIds;
    private Map<String, String> earlySignals;
    private String failureReason;
    private List<TimelineEntry> timeline;

    Edit(State s) {
      definition = s.definition();
      inputJson = s.inputJson();
      origin = s.origin();
      status = s.status();
      step = s.step();
      stepName = s.stepName();
      commandId = s.commandId();
      attempt = s.attempt();
      retryAt = s.retryAt();
      deadline = s.deadline();
      results = s.results();
      commandIds = s.commandIds();
      earlySignals = s.earlySignals();
      failureReason = s.failureReason();
      timeline = s.timeline();
    }

    Edit definition(String name, String input, MessageMeta meta) {
      definition = name;
      inputJson = input;
      origin = meta;
      return this;
    }

    Edit status(Status s) {
      status = s;
      return this;
    }

    Edit inFlight(int index, String name, String id) {
      step = index;
      stepName = name;
      commandId = id;
      attempt = 1;
      retryAt = null;
      deadline = null;
      return this;
    }

    Edit retry(int nextAttempt, Instant at) {
      attempt = nextAttempt;
      retryAt = at;
      return this;
    }

    Edit deadline(Instant at) {
      deadline = at;
      return this;
    }

    Edit actionCommandId(String name, String id) {
      commandIds = with(commandIds, name, id);
      return this;
    }

    Edit result(String name, String json) {
      results = with(results, name, json);
      return this;
    }

    Edit earlySignal(String name, String json) {
      earlySignals = with(earlySignals, name, json);
      return this;
    }

    Edit failureReason(String reason) {
      failureReason = reason;
      return this;
    }

    Edit log(Event e, String stepName, String detail) {
      List<TimelineEntry> next = new ArrayList<>(timeline);
      next.add(new TimelineEntry(e.meta().timestamp(), e.eventType(), stepName, truncate(detail)));
      timeline = List.copyOf(next);
      return this;
    }

    State done() {
      return new State(definition, inputJson, origin, status, step, stepName, commandId, attempt, retryAt,
          deadline, results, commandIds, earlySignals, failureReason, timeline);
    }

    private static Map<String, String> with(Map<String, String> map, String key, String value) {
      Map<String, String> next = new HashMap<>(map);
      next.put(key, value);
      return Map.copyOf(next);
    }
  }

  // ---------------------------------------------------------------- the entity

  private final String sagaId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final IdlePassivation<Command, State> passivation;
  private final Sagas sagas;
  private final ObjectMapper mapper;
  private final EventTags tags;
  private EventHandler<State, Event> eventHandler;
  private boolean warnedMissingDefinition;

  private Saga(
      String sagaId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), sagaId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.sagaId = sagaId;
    this.context = context;
    this.timers = timers;
    this.sagas = Sagas.get(context.getSystem());
    this.mapper = Json.mapper(context.getSystem());
    Config config = context.getSystem().settings().config();
    // not only finished sagas: an id that was only looked up (not started) leaves too
    this.passivation = new IdlePassivation<>(context, timers, shard,
        config.getDuration("linecommerce.sagas.passivate-finished-after"), Idle.INSTANCE, s -> !s.status().isLive());
    this.tags = tags(context.getSystem());
  }

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

  /** The saga entity; {@code shard} (null outside sharding) is told when a finished saga passivates. */
  public static Behavior<Command> create(String sagaId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Saga(sagaId, ctx, timers, shard)));
  }

  /** The tags saga events are spread over ({@code saga-0..N-1}, N = {@code linecommerce.subscriptions.tag-count}). */
  public static EventTags tags(ActorSystem<?> system) {
    return EventTags.fromConfig(system, "saga");
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return passivation.restartOnEveryCommand(buildCommandHandler());
  }

  private CommandHandlerWithReply<Command, Event, State> buildCommandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> s.status() == Status.NOT_STARTED)
        .onCommand(Start.class, this::onStart)
        .onCommand(Signal.class, cmd -> Effect().reply(cmd.replyTo(),
            StatusReply.error("saga " + sagaId + " does not exist")));
    builder.forState(s -> s.status().isLive())
        .onCommand(Start.class, this::onStartAgain)
        .onCommand(Signal.class, this::onSignal)
        .onCommand(AttemptSucceeded.class, this::onAttemptSucceeded)
        .onCommand(AttemptFailed.class, this::onAttemptFailed)
        .onCommand(RetryDue.class, this::onRetryDue)
        .onCommand(DeadlineDue.class, this::onDeadlineDue)
        .onCommand(Recheck.class, (state, cmd) -> {
          if (!timers.isTimerActive(ATTEMPT_TIMER)) proceed(state);
          return Effect().noReply();
        });
    builder.forState(s -> s.status().isFinished())
        .onCommand(Start.class, this::onStartAgain)
        .onCommand(Signal.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            StatusReply.error("saga " + sagaId + " is " + state.status().code())));
    builder.forAnyState()
        .onCommand(GetStatus.class, (state, cmd) -> Effect().reply(cmd.replyTo(), summary(state)))
        .onCommand(Idle.class, (state, cmd) -> passivation.onIdle(state))
        // late results, timers and rechecks of a saga that moved on
        .onAnyCommand(() -> Effect().noReply());
    return builder.build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    if (eventHandler == null) {
      eventHandler = newEventHandlerBuilder()
          .forAnyState()
          .onEvent(SagaStarted.class, State::started)
          .onEvent(StepStarted.class, State::stepStarted)
          .onEvent(StepAwaitingSignal.class, State::awaitingSignal)
          .onEvent(StepAttemptFailed.class, State::attemptFailed)
          .onEvent(SignalReceived.class, State::signalled)
          .onEvent(DeadlinePassed.class, State::deadlinePassed)
          .onEvent(StepSucceeded.class, State::stepSucceeded)
          .onEvent(SagaCompleted.class, State::completed)
          .onEvent(SagaFailed.class, State::failed)
          .onEvent(CompensationStarted.class, State::compensationStarted)
          .onEvent(CompensationAttemptFailed.class, State::compensationAttemptFailed)
          .onEvent(StepCompensated.class, State::compensated)
          .onEvent(SagaCompensated.class, State::sagaCompensated)
          .onEvent(CompensationFailed.class, State::compensationFailed)
          .build();
    }
    return eventHandler;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.status().isLive()) {
            context.getLog().info("Saga {} ({}) resumes: {} at step {} attempt {}",
                sagaId, state.definition(), state.status().code(), state.stepName(), state.attempt());
          }
          proceed(state);
          passivation.restart();
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // never deleteEventsOnSnapshot: persistence-jdbc 1.1.x stops recovery at a gap (#516)
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags.tagsFor(sagaId);
  }

  // ---------------------------------------------------------------- command handlers

  private ReplyEffect<Event, State> onStart(State state, Start cmd) {
    Optional<SagaDefinition<?>> found = sagas.definition(cmd.definition());
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "unknown saga definition '" + cmd.definition() + "' (not registered on this node)"));
    }
    SagaDefinition<?> definition = found.get();
    try {
      definition.decodeInput(mapper, cmd.inputJson());
    } catch (IllegalArgumentException e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    Transition<Event, State> t = transition(state, cmd.meta() != null ? cmd.meta() : MessageMeta.root(SOURCE, sagaId));
    t.add(new SagaStarted(sagaId, t.meta(), definition.name(), cmd.inputJson()));
    enterStep(t, definition, 0);
    context.getLog().info("Saga {} ({}) started", sagaId, definition.name());
    return persist(state, t).thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s)));
  }

  private ReplyEffect<Event, State> onStartAgain(State state, Start cmd) {
    if (!state.definition().equals(cmd.definition())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "saga id " + sagaId + " is already used by definition " + state.definition()));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(summary(state)));
  }

  private ReplyEffect<Event, State> onSignal(State state, Signal cmd) {
    Optional<SagaDefinition<?>> found = definitionFor(state);
    if (found.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "saga definition " + state.definition() + " is not available on this node"));
    }
    SagaDefinition<?> definition = found.get();
    int index = definition.indexOf(cmd.step());
    if (index < 0 || definition.step(index).kind() != SagaStep.Kind.AWAIT_SIGNAL) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "saga " + sagaId + " has no step '" + cmd.step() + "' that waits for a signal"));
    }
    String payload;
    try {
      payload = mapper.writeValueAsString(mapper.readTree(cmd.payloadJson() == null ? "null" : cmd.payloadJson()));
    } catch (JsonProcessingException e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("signal payload is not JSON: " + e.getOriginalMessage()));
    }
    Transition<Event, State> t = transition(state, cmd.meta() != null ? cmd.meta() : state.origin());
    if (state.status() == Status.WAITING && state.step() == index) {
      StepOutcome outcome;
      try {
        outcome = decideSignal(definition, state, index, payload);
      } catch (RuntimeException e) {
        return Effect().reply(cmd.replyTo(), StatusReply.error("signal handler of step " + cmd.step() + " failed: " + describe(e)));
      }
      t.add(new SignalReceived(sagaId, t.meta(), index, cmd.step(), payload, false));
      applyOutcome(t, definition, index, outcome);
    } else if (state.status() != Status.COMPENSATING && index > state.step()
        && !state.earlySignals().containsKey(cmd.step())) {
      t.add(new SignalReceived(sagaId, t.meta(), index, cmd.step(), payload, true));
    } else {
      return Effect().reply(cmd.replyTo(), StatusReply.error("step " + cmd.step() + " of saga " + sagaId
          + " is not waiting for a signal (saga " + state.status().code() + " at step " + state.stepName() + ")"));
    }
    return persist(state, t).thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s)));
  }

  private ReplyEffect<Event, State> onAttemptSucceeded(State state, AttemptSucceeded cmd) {
    if (!isCurrent(state, cmd.compensation(), cmd.step(), cmd.attempt())) {
      context.getLog().info("Saga {}: ignoring a late {}result of step #{} attempt {} (now {} at {} attempt {})",
          sagaId, cmd.compensation() ? "compensation " : "", cmd.step(), cmd.attempt(),
          state.status().code(), state.stepName(), state.attempt());
      return Effect().noReply();
    }
    timers.cancel(ATTEMPT_TIMER);
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) return Effect().noReply();
    Transition<Event, State> t = transition(state, state.origin());
    if (cmd.compensation()) {
      t.add(new StepCompensated(sagaId, t.meta(), cmd.step(), state.stepName(), cmd.attempt(), cmd.resultJson()));
      compensateFrom(t, definition.get(), cmd.step() - 1);
    } else {
      stepSucceeded(t, definition.get(), cmd.step(), cmd.attempt(), cmd.resultJson());
    }
    return persist(state, t).thenNoReply();
  }

  private ReplyEffect<Event, State> onAttemptFailed(State state, AttemptFailed cmd) {
    if (!isCurrent(state, cmd.compensation(), cmd.step(), cmd.attempt())) {
      return Effect().noReply();
    }
    timers.cancel(ATTEMPT_TIMER);
    Optional<SagaDefinition<?>> found = definitionFor(state);
    if (found.isEmpty()) return Effect().noReply();
    SagaStep<?> step = found.get().step(cmd.step());
    RetryPolicy policy = cmd.compensation() ? step.compensationRetry() : step.retry();
    Transition<Event, State> t = transition(state, state.origin());
    String what = (cmd.compensation() ? "compensation of " : "step ") + step.name();
    if (!cmd.permanent() && cmd.attempt() < policy.maxAttempts()) {
      Instant retryAt = Instant.now().plus(policy.backoffAfter(cmd.attempt()));
      context.getLog().warn("Saga {}: {} attempt {} failed ({}); retrying at {}", sagaId, what, cmd.attempt(), cmd.reason(), retryAt);
      t.add(cmd.compensation()
          ? new CompensationAttemptFailed(sagaId, t.meta(), cmd.step(), step.name(), cmd.attempt(), cmd.reason(), retryAt)
          : new StepAttemptFailed(sagaId, t.meta(), cmd.step(), step.name(), cmd.attempt(), cmd.reason(), retryAt));
    } else if (cmd.compensation()) {
      context.getLog().error("Saga {}: {} failed for good after {} attempt(s) ({}); manual intervention required",
          sagaId, what, cmd.attempt(), cmd.reason());
      t.add(new CompensationFailed(sagaId, t.meta(), cmd.step(), step.name(), cmd.attempt(), cmd.reason()));
    } else {
      context.getLog().warn("Saga {}: {} failed for good after {} attempt(s) ({}); compensating",
          sagaId, what, cmd.attempt(), cmd.reason());
      failStep(t, found.get(), cmd.step(), cmd.reason(), cmd.timedOut());
    }
    return persist(state, t).thenNoReply();
  }

  private ReplyEffect<Event, State> onRetryDue(State state, RetryDue cmd) {
    if (isCurrent(state, cmd.compensation(), cmd.step(), cmd.attempt())) runAttempt(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onDeadlineDue(State state, DeadlineDue cmd) {
    if (state.status() != Status.WAITING || state.step() != cmd.step()) return Effect().noReply();
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) return Effect().noReply();
    context.getLog().info("Saga {}: deadline {} of step {} passed", sagaId, state.deadline(), state.stepName());
    Transition<Event, State> t = transition(state, state.origin());
    t.add(new DeadlinePassed(sagaId, t.meta(), state.step(), state.stepName(), state.deadline()));
    applyOutcome(t, definition.get(), state.step(), definition.get().step(state.step()).deadlineOutcome());
    return persist(state, t).thenNoReply();
  }

  // ---------------------------------------------------------------- transitions (decide events)

  /** The events one command decides; {@code cause} is never null (the saga's origin at worst). */
  private Transition<Event, State> transition(State state, MessageMeta cause) {
    return new Transition<>(state, eventHandler()::apply, cause, SOURCE);
  }

  private EffectBuilder<Event, State> persist(State before, Transition<Event, State> t) {
    EffectBuilder<Event, State> effect = t.persist();
    State after = t.state();
    boolean movedOn = before.status() != after.status() || before.step() != after.step()
        || before.attempt() != after.attempt();
    // an early signal changes nothing in flight; anything else starts the next action or timer
    return movedOn ? effect.thenRun(this::proceed) : effect;
  }

  private void enterStep(Transition<Event, State> t, SagaDefinition<?> definition, int index) {
    SagaStep<?> step = definition.step(index);
    String commandId = UUID.randomUUID().toString();
    if (step.kind() == SagaStep.Kind.ACTION) {
      t.add(new StepStarted(sagaId, t.meta(), index, step.name(), commandId));
      return;
    }
    Duration within;
    try {
      within = waitFor(definition, t.state(), index, commandId);
    } catch (RuntimeException e) {
      failStep(t, definition, index, "could not compute the deadline: " + describe(e), false);
      return;
    }
    t.add(new StepAwaitingSignal(sagaId, t.meta(), index, step.name(), commandId, Instant.now().plus(within)));
    String early = t.state().earlySignals().get(step.name());
    if (early != null) {
      StepOutcome outcome;
      try {
        outcome = decideSignal(definition, t.state(), index, early);
      } catch (RuntimeException e) {
        outcome = StepOutcome.failure("signal handler failed: " + describe(e));
      }
      applyOutcome(t, definition, index, outcome);
    }
  }

  private void stepSucceeded(Transition<Event, State> t, SagaDefinition<?> definition, int index, int attempt, String resultJson) {
    t.add(new StepSucceeded(sagaId, t.meta(), index, definition.step(index).name(), attempt, resultJson));
    if (index + 1 < definition.steps().size()) {
      enterStep(t, definition, index + 1);
    } else {
      t.add(new SagaCompleted(sagaId, t.meta()));
      context.getLog().info("Saga {} ({}) completed", sagaId, definition.name());
    }
  }

  private void applyOutcome(Transition<Event, State> t, SagaDefinition<?> definition, int index, StepOutcome outcome) {
    if (outcome instanceof StepOutcome.Success success) {
      String json;
      try {
        json = mapper.writeValueAsString(success.result());
      } catch (JsonProcessingException e) {
        failStep(t, definition, index, "result is not JSON: " + e.getOriginalMessage(), false);
        return;
      }
      stepSucceeded(t, definition, index, 0, json);
    } else if (outcome instanceof StepOutcome.Failure failure) {
      failStep(t, definition, index, failure.reason(), false);
    } else {
      failStep(t, definition, index, "no outcome decided", false);
    }
  }

  /**
   * A step failed for good: the saga compensates from that step backwards. An action step is
   * compensated itself too (whether it timed out or failed): its attempts may have taken effect in
   * part (some lines reserved, others not), and compensations tolerate having nothing to undo. A
   * waiting step's failure is a decision (a cancel, a passed deadline) with no effect to undo.
   */
  private void failStep(Transition<Event, State> t, SagaDefinition<?> definition, int index, String reason, boolean timedOut) {
    SagaStep<?> step = definition.step(index);
    boolean compensateItself = step.kind() == SagaStep.Kind.ACTION && step.hasCompensation();
    t.add(new SagaFailed(sagaId, t.meta(), index, step.name(), reason, compensateItself));
    compensateFrom(t, definition, compensateItself ? index : index - 1);
  }

  /** Starts the compensation of the nearest step at or before {@code from} that has one, or ends the saga. */
  private void compensateFrom(Transition<Event, State> t, SagaDefinition<?> definition, int from) {
    for (int i = from; i >= 0; i--) {
      SagaStep<?> step = definition.step(i);
      if (step.hasCompensation()) {
        t.add(new CompensationStarted(sagaId, t.meta(), i, step.name(), UUID.randomUUID().toString()));
        return;
      }
    }
    t.add(new SagaCompensated(sagaId, t.meta()));
    context.getLog().info("Saga {} ({}) failed and was compensated: {}", sagaId, definition.name(), t.state().failureReason());
  }

  // ---------------------------------------------------------------- side effects

  /** Starts what the state says is due: an attempt, a retry timer, a deadline timer, or passivation. */
  private void proceed(State state) {
    timers.cancel(ATTEMPT_TIMER);
    timers.cancel(RETRY_TIMER);
    timers.cancel(DEADLINE_TIMER);
    timers.cancel(RECHECK_TIMER);
    Instant now = Instant.now();
    switch (state.status()) {
      case RUNNING, COMPENSATING -> {
        if (state.retryAt() != null && state.retryAt().isAfter(now)) {
          timers.startSingleTimer(RETRY_TIMER,
              new RetryDue(state.status() == Status.COMPENSATING, state.step(), state.attempt()),
              Duration.between(now, state.retryAt()));
        } else {
          runAttempt(state);
        }
      }
      case WAITING -> {
        Duration left = Duration.between(now, state.deadline());
        timers.startSingleTimer(DEADLINE_TIMER, new DeadlineDue(state.step()), left.isNegative() ? Duration.ZERO : left);
      }
      default -> { } // finished: IdlePassivation lets it leave memory
    }
  }

  private void runAttempt(State state) {
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) return;
    boolean compensation = state.status() == Status.COMPENSATING;
    int step = state.step();
    int attempt = state.attempt();
    SagaStep<?> sagaStep = definition.get().step(step);
    context.getLog().debug("Saga {}: {} {} attempt {} (command {})",
        sagaId, compensation ? "compensating" : "running", sagaStep.name(), attempt, state.commandId());
    timers.startSingleTimer(ATTEMPT_TIMER,
        new AttemptFailed(compensation, step, attempt, "timed out after " + sagaStep.timeout().toMillis() + " ms", false, true),
        sagaStep.timeout());
    CompletionStage<?> result;
    try {
      result = compensation ? invokeCompensation(definition.get(), state) : invokeAction(definition.get(), state);
      if (result == null) throw new IllegalStateException("returned null instead of a CompletionStage");
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(result, (value, error) -> error == null
        ? succeeded(compensation, step, attempt, value)
        : new AttemptFailed(compensation, step, attempt, describe(error), isPermanent(error), false));
  }

  private Command succeeded(boolean compensation, int step, int attempt, Object value) {
    try {
      return new AttemptSucceeded(compensation, step, attempt, mapper.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      return new AttemptFailed(compensation, step, attempt, "result is not JSON: " + e.getOriginalMessage(), true, false);
    }
  }

  private <D> CompletionStage<?> invokeAction(SagaDefinition<D> definition, State state) {
    SagaStep<D> step = definition.step(state.step());
    return step.action().apply(stepContext(definition, state, state.step(), state.commandId(), state.attempt()));
  }

  private <D> CompletionStage<?> invokeCompensation(SagaDefinition<D> definition, State state) {
    SagaStep<D> step = definition.step(state.step());
    CompensationContext<D> ctx = new CompensationContext<>(context.getSystem(), mapper, sagaId, step.name(),
        state.commandId(), state.commandIds().get(step.name()), state.attempt(), step.timeout(),
        definition.decodeInput(mapper, state.inputJson()), state.results(), state.failureReason(),
        state.origin().causes(SOURCE));
    return step.compensation().orElseThrow().apply(ctx);
  }

  private <D> StepOutcome decideSignal(SagaDefinition<D> definition, State state, int index, String payloadJson) {
    SagaStep<D> step = definition.step(index);
    StepOutcome outcome = step.signalHandler().apply(
        stepContext(definition, state, index, state.commandIds().get(step.name()), 0),
        SagaContext.readTree(mapper, payloadJson));
    if (outcome == null) throw new IllegalStateException("signal handler returned no outcome");
    return outcome;
  }

  private <D> Duration waitFor(SagaDefinition<D> definition, State state, int index, String commandId) {
    Duration within = definition.step(index).deadline().apply(stepContext(definition, state, index, commandId, 0));
    if (within == null || within.isNegative()) throw new IllegalStateException("the wait must be a duration >= 0");
    return within;
  }

  private <D> StepContext<D> stepContext(SagaDefinition<D> definition, State state, int index, String commandId, int attempt) {
    SagaStep<D> step = definition.step(index);
    return new StepContext<>(context.getSystem(), mapper, sagaId, step.name(), commandId, attempt, step.timeout(),
        definition.decodeInput(mapper, state.inputJson()), state.results(), state.origin().causes(SOURCE));
  }

  /**
   * The saga's definition, if registered here and still matching the step in flight. Otherwise the
   * saga waits (status unchanged) and looks again every second: a node may register definitions
   * after remember-entities restarted the saga, and a deploy must not silently skip a step.
   */
  private Optional<SagaDefinition<?>> definitionFor(State state) {
    Optional<SagaDefinition<?>> found = sagas.definition(state.definition());
    boolean matches = found.isPresent() && (state.step() < 0
        || (state.step() < found.get().steps().size()
            && found.get().step(state.step()).name().equals(state.stepName())));
    if (matches) {
      warnedMissingDefinition = false;
      return found;
    }
    if (!warnedMissingDefinition) {
      warnedMissingDefinition = true;
      context.getLog().warn("Saga {}: definition {} {} on this node; waiting for it",
          sagaId, state.definition(), found.isEmpty() ? "is not registered" : "has no step " + state.stepName() + " at " + state.step());
    }
    timers.startSingleTimer(RECHECK_TIMER, Recheck.INSTANCE, DEFINITION_RECHECK);
    return Optional.empty();
  }

  private static boolean isCurrent(State state, boolean compensation, int step, int attempt) {
    return state.status() == (compensation ? Status.COMPENSATING : Status.RUNNING)
        && state.step() == step && state.attempt() == attempt;
  }

  private Summary summary(State state) {
    return new Summary(sagaId, state.definition(), state.status(), state.stepName(), state.attempt(),
        state.status() == Status.WAITING ? state.deadline() : null, state.failureReason(), state.timeline());
  }

  static String describe(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof StatusReply.ErrorMessage || t instanceof SagaStep.PermanentFailure) {
      return truncate(t.getMessage());
    }
    return truncate(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  private static boolean isPermanent(Throwable error) {
    return unwrap(error) instanceof SagaStep.PermanentFailure;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String truncate(String text) {
    return text == null || text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
  }
}
