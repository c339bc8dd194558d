package org.linecommerce.runtime.saga;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
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
import org.linecommerce.runtime.entity.IdlePassivation;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.saga.InternalCommand.AttemptFailed;
import org.linecommerce.runtime.saga.InternalCommand.AttemptSucceeded;
import org.linecommerce.runtime.saga.InternalCommand.DeadlineDue;
import org.linecommerce.runtime.saga.InternalCommand.Idle;
import org.linecommerce.runtime.saga.InternalCommand.Recheck;
import org.linecommerce.runtime.saga.InternalCommand.RetryDue;
import org.linecommerce.runtime.saga.Saga.Command;
import org.linecommerce.runtime.saga.Saga.Event;
import org.linecommerce.runtime.saga.Saga.GetStatus;
import org.linecommerce.runtime.saga.Saga.Signal;
import org.linecommerce.runtime.saga.Saga.Start;
import org.linecommerce.runtime.saga.Saga.Status;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * The saga entity: wires {@link SagaState}, {@link SagaDecider} and {@link SagaStepRunner} to
 * Pekko (see {@link Saga} for the model). Per command it finds the saga's definition, asks the
 * decider, persists the decided events, and then lets the runner start what the new state says is
 * due. Commands by status:
 *
 * <ul>
 *   <li>not started: {@code Start} starts it; {@code Signal} is refused.
 *   <li>live: {@code Start} replies the summary (a saga never runs twice); {@code Signal}, attempt
 *       outcomes, retries, deadlines and definition rechecks move it on.
 *   <li>finished: {@code Start} replies the summary; {@code Signal} is refused.
 *   <li>any: {@code GetStatus} replies the summary; the idle timer passivates a saga that is not
 *       live; late outcomes and timers of a saga that moved on are dropped.
 * </ul>
 */
final class SagaEntity extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, SagaState> {

  private static final int SNAPSHOT_EVERY = 50;
  private static final Duration DEFINITION_RECHECK = Duration.ofSeconds(1);
  private static final String RECHECK_TIMER = "recheck";

  private final String sagaId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Sagas sagas;
  private final SagaDecider decider;
  private final SagaStepRunner runner;
  private final IdlePassivation<Command, SagaState> passivation;
  private final EventTags tags;
  private final SagaMetrics metrics;
  private boolean warnedMissingDefinition;
  /** {@link Saga.AwaitStep}s not answered yet, by number (not state: a crash drops them). */
  private final java.util.Map<Long, Saga.AwaitStep> waiters = new java.util.LinkedHashMap<>();
  private long nextWaiter;

  private SagaEntity(
      String sagaId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(Saga.ENTITY_KEY.name(), sagaId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.sagaId = sagaId;
    this.context = context;
    this.timers = timers;
    this.sagas = Sagas.get(context.getSystem());
    SagaContexts contexts = new SagaContexts(context.getSystem(), Json.mapper(context.getSystem()), sagaId);
    this.decider = new SagaDecider(sagaId, contexts, Clock.systemUTC(), () -> UUID.randomUUID().toString());
    this.runner = new SagaStepRunner(context, timers, contexts, sagaId);
    // not only finished sagas: an id that was only looked up (never started) leaves too
    this.passivation = new IdlePassivation<>(context, timers, shard,
        context.getSystem().settings().config().getDuration("linecommerce.sagas.passivate-finished-after"),
        Idle.INSTANCE, state -> !state.status().isLive());
    this.tags = Saga.tags(context.getSystem());
    this.metrics = SagaMetrics.of(context.getSystem());
  }

  static Behavior<Command> create(String sagaId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return org.linecommerce.runtime.tracing.LogContext.withMdc(Command.class, "Saga|" + sagaId,
        command -> command instanceof Start s ? s.meta() : command instanceof Signal s ? s.meta() : null,
        Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SagaEntity(sagaId, ctx, timers, shard))));
  }

  @Override
  public SagaState emptyState() {
    return SagaState.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, SagaState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, SagaState> builder = newCommandHandlerWithReplyBuilder();
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
        .onCommand(Recheck.class, this::onRecheck);
    builder.forState(s -> s.status().isFinished())
        .onCommand(Start.class, this::onStartAgain)
        .onCommand(Signal.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            StatusReply.error("saga " + sagaId + " is " + state.status().code())));
    builder.forAnyState()
        .onCommand(GetStatus.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.summary(sagaId)))
        .onCommand(Saga.AwaitStep.class, this::onAwaitStep)
        .onCommand(InternalCommand.AwaitTimedOut.class, (state, cmd) -> {
          Saga.AwaitStep waiter = waiters.remove(cmd.waiter());
          if (waiter != null) waiter.replyTo().tell(state.summary(sagaId));
          return Effect().noReply();
        })
        .onCommand(Idle.class, (state, cmd) -> passivation.onIdle(state))
        // late results, timers and rechecks of a saga that moved on
        .onAnyCommand(() -> Effect().noReply());
    return passivation.restartOnEveryCommand(builder.build());
  }

  @Override
  public EventHandler<SagaState, Event> eventHandler() {
    return SagaState::apply;
  }

  @Override
  public SignalHandler<SagaState> signalHandler() {
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

  // ---------------------------------------------------------------- commands

  private ReplyEffect<Event, SagaState> onStart(SagaState state, Start cmd) {
    Optional<SagaDefinition<?>> definition = sagas.definition(cmd.definition());
    if (definition.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "unknown saga definition '" + cmd.definition() + "' (not registered on this node)"));
    }
    SagaDecider.Decision decision = decider.start(state, definition.get(), cmd.inputJson(), cmd.meta());
    if (decision.isRejected()) return Effect().reply(cmd.replyTo(), StatusReply.error(decision.rejection()));
    return persist(decision).thenReply(cmd.replyTo(), s -> StatusReply.success(s.summary(sagaId)));
  }

  private ReplyEffect<Event, SagaState> onStartAgain(SagaState state, Start cmd) {
    if (!state.definition().equals(cmd.definition())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "saga id " + sagaId + " is already used by definition " + state.definition()));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(state.summary(sagaId)));
  }

  private ReplyEffect<Event, SagaState> onSignal(SagaState state, Signal cmd) {
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "saga definition " + state.definition() + " is not available on this node"));
    }
    SagaDecider.Decision decision = decider.signal(state, definition.get(), cmd.step(), cmd.payloadJson(), cmd.meta());
    if (decision.isRejected()) return Effect().reply(cmd.replyTo(), StatusReply.error(decision.rejection()));
    return persist(decision).thenReply(cmd.replyTo(), s -> StatusReply.success(s.summary(sagaId)));
  }

  private ReplyEffect<Event, SagaState> onAttemptSucceeded(SagaState state, AttemptSucceeded cmd) {
    if (!state.isInFlight(cmd.compensation(), cmd.step(), cmd.attempt())) {
      context.getLog().info("Saga {}: ignoring a late {}result of step #{} attempt {} (now {} at {} attempt {})",
          sagaId, cmd.compensation() ? "compensation " : "", cmd.step(), cmd.attempt(),
          state.status().code(), state.stepName(), state.attempt());
      return Effect().noReply();
    }
    runner.attemptEnded();
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) return Effect().noReply();
    return persist(decider.attemptSucceeded(state, definition.get(), cmd)).thenNoReply();
  }

  private ReplyEffect<Event, SagaState> onAttemptFailed(SagaState state, AttemptFailed cmd) {
    if (!state.isInFlight(cmd.compensation(), cmd.step(), cmd.attempt())) return Effect().noReply();
    runner.attemptEnded();
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) return Effect().noReply();
    return persist(decider.attemptFailed(state, definition.get(), cmd)).thenNoReply();
  }

  private ReplyEffect<Event, SagaState> onRetryDue(SagaState state, RetryDue cmd) {
    if (state.isInFlight(cmd.compensation(), cmd.step(), cmd.attempt())) {
      definitionFor(state).ifPresent(definition -> runner.runAttempt(state, definition));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, SagaState> onDeadlineDue(SagaState state, DeadlineDue cmd) {
    if (state.status() != Status.WAITING || state.step() != cmd.step()) return Effect().noReply();
    Optional<SagaDefinition<?>> definition = definitionFor(state);
    if (definition.isEmpty()) return Effect().noReply();
    return persist(decider.deadlinePassed(state, definition.get())).thenNoReply();
  }

  private ReplyEffect<Event, SagaState> onRecheck(SagaState state, Recheck cmd) {
    if (!runner.attemptRunning()) proceed(state);
    return Effect().noReply();
  }

  private ReplyEffect<Event, SagaState> onAwaitStep(SagaState state, Saga.AwaitStep cmd) {
    if (reached(state, cmd.step())) return Effect().reply(cmd.replyTo(), state.summary(sagaId));
    long id = nextWaiter++;
    waiters.put(id, cmd);
    timers.startSingleTimer("await-" + id, new InternalCommand.AwaitTimedOut(id), cmd.within());
    return Effect().noReply();
  }

  /**
   * Whether a caller waiting for {@code step} can have its answer: the saga is at or past it, is
   * compensating or finished, or will never get there (its definition has no such step); for a
   * null step, only once the saga has finished.
   */
  private boolean reached(SagaState state, String step) {
    if (state.status() == Status.NOT_STARTED) return false;
    if (step == null) return state.status().isFinished();
    if (!state.status().isLive() || state.status() == Status.COMPENSATING) return true;
    Optional<SagaDefinition<?>> definition = sagas.definition(state.definition());
    if (definition.isEmpty()) return false; // a node may register it later (definitionFor)
    List<? extends SagaStep<?>> steps = definition.get().steps();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(step)) return state.step() >= i;
    }
    return true;
  }

  /** Answers the waiters whose step the saga has now reached. */
  private void answerWaiters(SagaState state) {
    if (waiters.isEmpty()) return;
    var it = waiters.entrySet().iterator();
    while (it.hasNext()) {
      var waiter = it.next();
      if (reached(state, waiter.getValue().step())) {
        waiter.getValue().replyTo().tell(state.summary(sagaId));
        timers.cancel("await-" + waiter.getKey());
        it.remove();
      }
    }
  }

  // ---------------------------------------------------------------- persisting and proceeding

  /** Persists what was decided; then, if something in flight changed, starts what is due next. */
  private EffectBuilder<Event, SagaState> persist(SagaDecider.Decision decision) {
    log(decision.events(), decision.state());
    List<Event> events = decision.events();
    EffectBuilder<Event, SagaState> effect = decision.transition().persist()
        .thenRun(after -> metrics.persisted(after.definition(), events))
        .thenRun(this::answerWaiters);
    // an early signal changes nothing in flight; anything else starts the next action or timer
    return decision.movedOn() ? effect.thenRun(this::proceed) : effect;
  }

  private void proceed(SagaState state) {
    timers.cancel(RECHECK_TIMER);
    runner.proceed(state, this::definitionFor);
  }

  /**
   * The saga's definition, if registered here and still matching the step in flight. Otherwise the
   * saga waits (status unchanged) and looks again every second: a node may register definitions
   * after remember-entities restarted the saga, and a deploy must not silently skip a step.
   */
  private Optional<SagaDefinition<?>> definitionFor(SagaState state) {
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

  /** One log line for each decision worth one: starts, retries, failures and ends. */
  private void log(List<Event> events, SagaState after) {
    for (Event event : events) {
      if (event instanceof Saga.SagaStarted e) {
        context.getLog().info("Saga {} ({}) started", sagaId, e.definition());
      } else if (event instanceof Saga.StepAttemptFailed e) {
        context.getLog().warn("Saga {}: step {} attempt {} failed ({}); retrying at {}",
            sagaId, e.stepName(), e.attempt(), e.reason(), e.retryAt());
      } else if (event instanceof Saga.CompensationAttemptFailed e) {
        context.getLog().warn("Saga {}: compensation of {} attempt {} failed ({}); retrying at {}",
            sagaId, e.stepName(), e.attempt(), e.reason(), e.retryAt());
      } else if (event instanceof Saga.DeadlinePassed e) {
        context.getLog().info("Saga {}: deadline {} of step {} passed", sagaId, e.deadline(), e.stepName());
      } else if (event instanceof Saga.SagaFailed e) {
        context.getLog().warn("Saga {}: step {} failed for good ({}); compensating", sagaId, e.stepName(), e.reason());
      } else if (event instanceof Saga.CompensationFailed e) {
        context.getLog().error("Saga {}: compensation of {} failed for good after {} attempt(s) ({}); manual intervention required",
            sagaId, e.stepName(), e.attempt(), e.reason());
      } else if (event instanceof Saga.SagaCompleted) {
        context.getLog().info("Saga {} ({}) completed", sagaId, after.definition());
      } else if (event instanceof Saga.SagaCompensated) {
        context.getLog().info("Saga {} ({}) failed and was compensated: {}", sagaId, after.definition(), after.failureReason());
      }
    }
  }
}
