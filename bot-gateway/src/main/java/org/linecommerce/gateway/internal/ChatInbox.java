package org.linecommerce.gateway.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
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
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.linecommerce.gateway.api.ChatInboxCommand;
import org.linecommerce.gateway.api.ChatInboxCommand.Accept;
import org.linecommerce.gateway.api.ChatInboxCommand.Accepted;
import org.linecommerce.gateway.api.ChatInboxCommand.GetStatus;
import org.linecommerce.gateway.api.ChatInboxEvent;
import org.linecommerce.gateway.api.ChatInboxEvent.EventAccepted;
import org.linecommerce.gateway.api.ChatInboxEvent.EventHandled;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.entity.IdlePassivation;
import org.linecommerce.runtime.entity.RememberedEntities;
import org.linecommerce.runtime.resilience.Bulkhead;
import org.linecommerce.runtime.resilience.Stages;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.runtime.tracing.LogContext;

/**
 * One inbox per chat (a user, group or room id; sharded with remember-entities on {@code gateway}
 * nodes, type {@code ChatInbox}): the chat's webhook events, each recorded once and handled once.
 *
 * <p><b>Accepting.</b> {@link Accept} persists every event whose id the inbox does not know
 * ({@code line.event.accepted}, {@link EventAccepted}) and replies only after the write; a
 * duplicate within the dedupe window ({@code linecommerce.gateway.inbox.dedupe-window} ids) is
 * acknowledged and not recorded again. The webhook answers LINE 200 on that reply, so nothing it
 * acknowledged can be lost; when the journal fails there is no reply and LINE gets a 503.
 *
 * <p><b>Handling.</b> Independently of accepting (the webhook never waits for it), the inbox hands
 * its pending events to {@link ChatReactions} one at a time, oldest {@code timestamp} first, and
 * records {@code line.event.handled} ({@link EventHandled}) when the reaction completes. An event
 * waits {@code reorder-delay} after being accepted before it is handled, so an earlier event of
 * the chat that LINE sends in another request can still go first. A failed reaction is retried with
 * backoff up to {@code max-attempts}; then it is recorded as handled with its failure and logged,
 * so one poison event never blocks the chat. The reaction in flight is not state: after a crash the
 * recovered inbox starts the first pending event again (reactions are idempotent by event id).
 *
 * <p><b>Waking and leaving.</b> Remember-entities restarts an inbox with pending events after a
 * crash or a restart of the cluster, without waiting for the chat's next message; an inbox with
 * nothing pending leaves memory after {@code idle-timeout} (the runtime's {@link IdlePassivation}),
 * which also removes it from the remembered set. State stays bounded: the pending events and a
 * fixed number of recent ids ({@link InboxState}); the journal keeps the history, tagged
 * {@code chat-inbox-0..N-1} for subscribers.
 */
public final class ChatInbox
    extends EventSourcedBehaviorWithEnforcedReplies<ChatInboxCommand, ChatInboxEvent, InboxState> {

  public static final String ROLE = "gateway";
  public static final String TAG_PREFIX = "chat-inbox";
  static final String SOURCE = "bot-gateway";
  private static final int SNAPSHOT_EVERY = 100;
  private static final Object WAKE_TIMER = "wake";
  private static final Object RETRY_TIMER = "retry";

  /** A reaction ended; {@code failure} is null on success. No reply. */
  record ReactionFinished(String eventId, int attempt, String failure) implements ChatInboxCommand.Internal {}

  /** Time to try a failed reaction again. No reply. */
  record RetryReaction(String eventId, int attempt) implements ChatInboxCommand.Internal {}

  /** The reorder delay of the next pending event is over. No reply. */
  enum Wake implements ChatInboxCommand.Internal { INSTANCE }

  /** No command for {@code idle-timeout}. No reply. */
  enum Idle implements ChatInboxCommand.Internal { INSTANCE }

  private final String chatId;
  private final ActorContext<ChatInboxCommand> context;
  private final TimerScheduler<ChatInboxCommand> timers;
  private final ChatReactions reactions;
  /** Bounds this node's reactions running at once (all inboxes), or null for no bound. */
  private final Bulkhead bulkhead;
  /** For work the bulkhead starts outside the actor (the context is the actor's only). */
  private final ActorSystem<?> system;
  private final InboxSettings settings;
  private final IdlePassivation<ChatInboxCommand, InboxState> idle;
  private final EventTags tags;
  /** The event whose reaction is in flight or waiting for its retry, else null (not state: a crash forgets it). */
  private String inFlight;

  private ChatInbox(String chatId, ActorContext<ChatInboxCommand> context, TimerScheduler<ChatInboxCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard, ChatReactions reactions, Bulkhead bulkhead) {
    super(PersistenceId.of(ChatInboxCommand.ENTITY_KEY.name(), chatId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.chatId = chatId;
    this.context = context;
    this.timers = timers;
    this.reactions = reactions;
    this.bulkhead = bulkhead;
    this.system = context.getSystem();
    this.settings = InboxSettings.fromConfig(context.getSystem().settings().config());
    this.idle = new IdlePassivation<>(context, timers, shard, settings.idleTimeout(), Idle.INSTANCE,
        state -> state.pending().isEmpty() && inFlight == null);
    this.tags = EventTags.fromConfig(context.getSystem(), TAG_PREFIX);
  }

  /**
   * Starts sharding of {@code ChatInbox} (remember-entities): hosted on {@value #ROLE} nodes, which
   * react to events with {@code reactions}; a proxy elsewhere.
   */
  public static void init(ActorSystem<?> system, ChatReactions reactions) {
    // one bound for all inboxes of the node: answers wait their turn, webhook acknowledgements keep CPU
    Bulkhead bulkhead = ChatReactionBulkhead.get(system).bulkhead();
    RememberedEntities.init(system, ChatInboxCommand.ENTITY_KEY, ROLE,
        (chatId, shard) -> create(chatId, shard, reactions, bulkhead));
  }

  /** The entity with no bound on reactions; {@code shard} is null outside sharding. */
  public static Behavior<ChatInboxCommand> create(String chatId, ActorRef<ClusterSharding.ShardCommand> shard,
      ChatReactions reactions) {
    return create(chatId, shard, reactions, null);
  }

  /** The entity, its reactions started through {@code bulkhead} (null: at once); {@code shard} is null outside sharding. */
  public static Behavior<ChatInboxCommand> create(String chatId, ActorRef<ClusterSharding.ShardCommand> shard,
      ChatReactions reactions, Bulkhead bulkhead) {
    return LogContext.withMdc(ChatInboxCommand.class, ChatInboxCommand.ENTITY_KEY.name() + "|" + chatId,
        command -> command instanceof Accept a ? a.meta() : null,
        Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ChatInbox(chatId, ctx, timers, shard, reactions, bulkhead))));
  }

  @Override
  public InboxState emptyState() {
    return InboxState.empty();
  }

  @Override
  public CommandHandlerWithReply<ChatInboxCommand, ChatInboxEvent, InboxState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forAnyState()
        .onCommand(Accept.class, this::onAccept)
        .onCommand(GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), s.status(chatId)))
        .onCommand(ReactionFinished.class, this::onReactionFinished)
        .onCommand(RetryReaction.class, this::onRetry)
        .onCommand(Wake.class, (s, c) -> {
          handleNext(s);
          return Effect().noReply();
        })
        .onCommand(Idle.class, (s, c) -> idle.onIdle(s));
    return idle.restartOnEveryCommand(builder.build());
  }

  // ---------------------------------------------------------------- accepting

  private ReplyEffect<ChatInboxEvent, InboxState> onAccept(InboxState state, Accept cmd) {
    MessageMeta meta = cmd.meta() == null ? MessageMeta.root(SOURCE, null) : cmd.meta();
    long now = System.currentTimeMillis();
    List<ChatInboxEvent> fresh = new ArrayList<>();
    Set<String> inRequest = new HashSet<>();
    List<String> duplicates = new ArrayList<>();
    for (LineEvent e : cmd.events()) {
      if (state.knows(e.eventId()) || !inRequest.add(e.eventId())) {
        duplicates.add(e.eventId());
        continue;
      }
      fresh.add(new EventAccepted(chatId, e, now, meta.causes(SOURCE)));
    }
    Accepted answer = new Accepted(fresh.size(), duplicates.size(), duplicates);
    if (fresh.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.success(answer));
    return Effect().persist(fresh)
        .thenRun(this::handleNext)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(answer));
  }

  // ---------------------------------------------------------------- handling

  /** Starts the reaction to the next pending event unless one is in flight or it must still wait. */
  private void handleNext(InboxState state) {
    if (inFlight != null) return;
    InboxState.Pending next = state.next();
    if (next == null) return;
    long wait = next.acceptedAt() + settings.reorderDelay().toMillis() - System.currentTimeMillis();
    if (wait > 0) {
      timers.startSingleTimer(WAKE_TIMER, Wake.INSTANCE, Duration.ofMillis(wait));
      return;
    }
    react(next, 1);
  }

  private void react(InboxState.Pending pending, int attempt) {
    inFlight = pending.eventId();
    String eventId = pending.eventId();
    // the reaction timeout counts from the start of the reaction, not from the wait for a place
    CompletionStage<Done> reaction = bulkhead == null ? timedReaction(pending) : bulkhead.run(() -> timedReaction(pending));
    context.pipeToSelf(reaction,
        (done, error) -> new ReactionFinished(eventId, attempt, error == null ? null : describe(error)));
  }

  private CompletionStage<Done> timedReaction(InboxState.Pending pending) {
    CompletionStage<Done> reaction;
    try {
      reaction = LogContext.call(pending.meta(), null, () -> reactions.react(pending.event(), pending.meta()));
      if (reaction == null) reaction = CompletableFuture.failedFuture(new IllegalStateException("the reaction returned null"));
    } catch (RuntimeException e) {
      reaction = CompletableFuture.failedFuture(e);
    }
    return Stages.orTimeout(reaction, settings.reactionTimeout(), system);
  }

  private ReplyEffect<ChatInboxEvent, InboxState> onReactionFinished(InboxState state, ReactionFinished cmd) {
    InboxState.Pending pending = state.pendingEvent(cmd.eventId());
    if (!cmd.eventId().equals(inFlight) || pending == null) return Effect().noReply();
    if (cmd.failure() == null) return recordHandled(pending, null);
    LogContext.of(pending.meta(), null).forEach(org.slf4j.MDC::put); // the event's ids on the lines below
    if (cmd.attempt() < settings.maxAttempts()) {
      Duration delay = settings.backoff(cmd.attempt());
      context.getLog().warn("Reaction {} of {} to event {} failed ({}); retrying in {} ms", cmd.attempt(),
          settings.maxAttempts(), cmd.eventId(), cmd.failure(), delay.toMillis());
      timers.startSingleTimer(RETRY_TIMER, new RetryReaction(cmd.eventId(), cmd.attempt() + 1), delay);
      return Effect().noReply();
    }
    context.getLog().error("Giving up on event {} of chat {} ({} type) after {} attempts: {}", cmd.eventId(), chatId,
        pending.event().type(), cmd.attempt(), cmd.failure());
    return recordHandled(pending, cmd.failure());
  }

  private ReplyEffect<ChatInboxEvent, InboxState> recordHandled(InboxState.Pending pending, String failure) {
    return Effect().persist(new EventHandled(chatId, pending.eventId(), failure, pending.meta().causes(SOURCE)))
        .thenRun(s -> {
          inFlight = null;
          idle.restart();
          handleNext(s);
        })
        .thenNoReply();
  }

  private ReplyEffect<ChatInboxEvent, InboxState> onRetry(InboxState state, RetryReaction cmd) {
    InboxState.Pending pending = state.pendingEvent(cmd.eventId());
    if (!cmd.eventId().equals(inFlight) || pending == null) return Effect().noReply();
    react(pending, cmd.attempt());
    return Effect().noReply();
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  // ---------------------------------------------------------------- events, signals, tags

  @Override
  public EventHandler<InboxState, ChatInboxEvent> eventHandler() {
    int window = settings.dedupeWindow();
    return (state, event) -> event instanceof EventAccepted accepted
        ? state.accepted(accepted, window)
        : state.handled((EventHandled) event);
  }

  @Override
  public SignalHandler<InboxState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          idle.restart();
          handleNext(state);
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // never withDeleteEventsOnSnapshot: persistence-jdbc 1.1.x stops recovery at a gap (#516)
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public Set<String> tagsFor(ChatInboxEvent event) {
    return tags.tagsFor(chatId);
  }
}
