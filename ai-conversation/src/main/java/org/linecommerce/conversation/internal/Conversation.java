package org.linecommerce.conversation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
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
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationCommand;
import org.linecommerce.conversation.api.ConversationCommand.Generate;
import org.linecommerce.conversation.api.ConversationCommand.GetHistory;
import org.linecommerce.conversation.api.ConversationCommand.GetView;
import org.linecommerce.conversation.api.ConversationCommand.HandBack;
import org.linecommerce.conversation.api.ConversationCommand.History;
import org.linecommerce.conversation.api.ConversationCommand.NoteViewedProducts;
import org.linecommerce.conversation.api.ConversationCommand.RefreshProfile;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ConversationEvent.HandedBack;
import org.linecommerce.conversation.api.ConversationEvent.HandedOff;
import org.linecommerce.conversation.api.ConversationEvent.MessageHeld;
import org.linecommerce.conversation.api.ConversationEvent.ProductsViewed;
import org.linecommerce.conversation.api.ConversationEvent.ProfileRefreshed;
import org.linecommerce.conversation.api.ConversationEvent.ProviderFailed;
import org.linecommerce.conversation.api.ConversationEvent.ResponseGenerated;
import org.linecommerce.conversation.api.GenerateRequest;
import org.linecommerce.conversation.internal.nlu.Analysis;
import org.linecommerce.conversation.internal.provider.ProviderFailure;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.tracing.LogContext;
import org.linecommerce.runtime.entity.ActiveEntities;
import org.linecommerce.runtime.entity.IdlePassivation;
import org.linecommerce.runtime.entity.RememberedEntities;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * One conversation per LINE user id (sharded, role {@value #ROLE}, type {@code Conversation}):
 * the bounded window of recent turns, the dialogue context, the customer's profile snapshot and
 * the mode ({@code bot} or {@code handoff}); see {@link ConversationState}. Events
 * ({@link ConversationEvent}, tagged {@code conversation-0..N-1}): {@code ai.response.generated}
 * per answered message, {@code ai.provider.failure} per provider that failed on it,
 * {@code conversation.handed_off}/{@code handed_back}, {@code conversation.message.held} (a message
 * while a human has the chat), {@code conversation.profile_refreshed} and
 * {@code conversation.products_viewed} (from the customer domain's events), and
 * {@code conversation.completed} after {@code linecommerce.conversation.idle-timeout} without messages.
 *
 * <p><b>One turn at a time.</b> A message starts a turn ({@link ShopAssistant}: profile, analysis,
 * catalog, orders, provider chain) outside the actor; messages arriving meanwhile wait (stash) and
 * are answered in order. A message id already answered gets the same answer again without a turn,
 * so a redelivery never acts twice. Reads never wait.
 *
 * <p><b>Idle.</b> Remembered sharding and idle passivation are the runtime's: the idle timer
 * completes an open session ({@code conversation.completed}) and then lets the entity leave memory;
 * after a crash remember-entities restarts it, so a session is completed even if its node died.
 * Remember-entities turns Pekko's passivation limit off, so the runtime's {@link ActiveEntities}
 * bounds the conversations in memory on a node ({@code linecommerce.conversation.max-active}): above
 * it the least recently used one is idle at once (completes its session early and leaves).
 */
public final class Conversation
    extends EventSourcedBehaviorWithEnforcedReplies<ConversationCommand, ConversationEvent, ConversationState> {

  public static final String ROLE = "conversation";
  public static final String TAG_PREFIX = ConversationEvent.TAG_PREFIX;
  static final String SOURCE = "ai-conversation";
  private static final int SNAPSHOT_EVERY = 100;
  /** One for every conversation (immutable), not one per entity. */
  private static final BackoffSupervisorStrategy SUPERVISION =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1);

  /** A turn finished (its answer, or the error that ended it); no reply. */
  record TurnFinished(GenerateRequest request, MessageMeta meta, ShopAssistant.TurnResult result, Throwable error,
      ActorRef<StatusReply<AiAnswer>> replyTo) implements ConversationCommand.Internal {}

  /** No command for {@code idle-timeout}; no reply. */
  enum Idle implements ConversationCommand.Internal { INSTANCE }

  private final String userId;
  private final ActorContext<ConversationCommand> context;
  private final ShopAssistant assistant;
  private final IdlePassivation<ConversationCommand, ConversationState> idle;
  private final EventTags tags;
  /** A turn is running (not state: a crash forgets it, and the callers' retries find the answer or start again). */
  private boolean busy;

  private Conversation(String userId, ActorContext<ConversationCommand> context, TimerScheduler<ConversationCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard, ShopAssistant assistant) {
    super(PersistenceId.of(ConversationCommand.ENTITY_KEY.name(), userId),
        SUPERVISION);
    this.userId = userId;
    this.context = context;
    this.assistant = assistant;
    Duration idleAfter = context.getSystem().settings().config().getDuration("linecommerce.conversation.idle-timeout");
    this.idle = new IdlePassivation<>(context, timers, shard, idleAfter, Idle.INSTANCE,
        state -> !state.inSession() && !busy, shard == null ? null : activeLimit(context.getSystem()));
    this.tags = EventTags.fromConfig(context.getSystem(), TAG_PREFIX);
  }

  /**
   * This node's limit of conversations in memory ({@code linecommerce.conversation.max-active}, 0:
   * none): above it the least recently used conversation completes its session and leaves.
   */
  static ActiveEntities activeLimit(ActorSystem<?> system) {
    return ActiveEntities.of(system, ConversationCommand.ENTITY_KEY.name(),
        system.settings().config().getInt("linecommerce.conversation.max-active"));
  }

  /** Starts sharding of {@code Conversation} (remember-entities): hosted on {@value #ROLE} nodes, a proxy elsewhere. */
  public static void init(ActorSystem<?> system) {
    // made on the first conversation this node hosts: proxies need no assistant
    var assistant = new java.util.concurrent.atomic.AtomicReference<ShopAssistant>();
    RememberedEntities.init(system, ConversationCommand.ENTITY_KEY, ROLE,
        (userId, shard) -> create(userId, shard, assistant.updateAndGet(a -> a != null ? a : ShopAssistant.create(system))));
  }

  /** The entity; {@code shard} is null outside sharding. */
  public static Behavior<ConversationCommand> create(String userId, ActorRef<ClusterSharding.ShardCommand> shard,
      ShopAssistant assistant) {
    return LogContext.withMdc(ConversationCommand.class, ConversationCommand.ENTITY_KEY.name() + "|" + userId, Conversation::metaOf,
        Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Conversation(userId, ctx, timers, shard, assistant))));
  }

  /** The metadata a command carries, for the ids in the MDC of what its handling logs; null when it has none. */
  private static MessageMeta metaOf(ConversationCommand command) {
    if (command instanceof Generate c) return c.meta();
    if (command instanceof TurnFinished c) return c.meta();
    if (command instanceof HandBack c) return c.meta();
    if (command instanceof RefreshProfile c) return c.meta();
    if (command instanceof NoteViewedProducts c) return c.meta();
    return null;
  }

  @Override
  public ConversationState emptyState() {
    return ConversationState.empty();
  }

  /**
   * Every command in every state, in one table. Not Pekko's handler builder: it is built once per
   * entity instance and keeps about 20 objects (some 700 bytes) per active conversation, a tenth of
   * its heap (bench/RESULTS.md, 5.); this dispatch is one lambda.
   */
  @Override
  public CommandHandlerWithReply<ConversationCommand, ConversationEvent, ConversationState> commandHandler() {
    return idle.restartOnEveryCommand(this::onCommand);
  }

  private ReplyEffect<ConversationEvent, ConversationState> onCommand(ConversationState s, ConversationCommand command) {
    if (command instanceof Generate c) return onGenerate(s, c);
    if (command instanceof TurnFinished c) return onTurnFinished(s, c);
    if (command instanceof GetHistory c) return Effect().reply(c.replyTo(), new History(userId, s.lastTurns(c.limit())));
    if (command instanceof GetView c) return Effect().reply(c.replyTo(), s.view(userId));
    if (command instanceof HandBack c) return onHandBack(s, c);
    if (command instanceof RefreshProfile c) return onRefreshProfile(s, c);
    if (command instanceof NoteViewedProducts c) return onNoteViewed(s, c);
    if (command instanceof Idle c) return onIdle(s, c);
    throw new IllegalArgumentException("unhandled command " + command.getClass().getName());
  }

  // ---------------------------------------------------------------- commands

  private ReplyEffect<ConversationEvent, ConversationState> onGenerate(ConversationState state, Generate cmd) {
    GenerateRequest request = cmd.request();
    String invalid = violation(request);
    if (invalid != null) return Effect().reply(cmd.replyTo(), StatusReply.error(invalid));
    MessageMeta meta = cmd.meta() == null ? MessageMeta.root(SOURCE, null) : cmd.meta();
    if (request.messageId() == null || request.messageId().isBlank()) {
      request = new GenerateRequest(request.userId(), request.message(), UUID.randomUUID().toString(),
          request.languageHint(), request.options());
    }
    var known = state.answerTo(request.messageId());
    if (known.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.success(known.get()));
    if (busy) return Effect().stash();
    MessageMeta caused = meta.causes(SOURCE);
    if (state.inHandoff()) {
      Analysis a = assistant.analyze(request, state);
      MessageHeld held = new MessageHeld(userId, request.messageId(), request.message(), a.intent(), a.language(), caused);
      return Effect().persist(held)
          .thenReply(cmd.replyTo(), s -> StatusReply.success(s.answerTo(held.messageId()).orElseThrow()));
    }
    busy = true;
    GenerateRequest turn = request;
    context.pipeToSelf(assistant.turn(userId, turn, caused, state),
        (result, error) -> new TurnFinished(turn, caused, result, error, cmd.replyTo()));
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onTurnFinished(ConversationState state, TurnFinished cmd) {
    busy = false;
    idle.restart();
    if (cmd.error() != null || cmd.result() == null) {
      context.getLog().warn("A turn of {} failed", userId, cmd.error());
      cmd.replyTo().tell(StatusReply.error("the conversation could not answer; repeat the message"));
      return replied(Effect().unstashAll());
    }
    ShopAssistant.TurnResult result = cmd.result();
    List<ConversationEvent> events = new ArrayList<>();
    for (ProviderFailure f : result.chain().failures()) {
      events.add(new ProviderFailed(userId, cmd.request().messageId(), f.provider(), f.reason(), f.elapsedMs(), cmd.meta()));
    }
    events.add(new ResponseGenerated(userId, cmd.request().messageId(), cmd.request().message(), result.answer(),
        result.focus(), cmd.meta()));
    if (result.handOff() && !state.inHandoff()) {
      events.add(new HandedOff(userId, cmd.request().messageId(), "customer asked for a human", cmd.meta()));
    }
    return replied(Effect().persist(events)
        .thenRun(s -> cmd.replyTo().tell(StatusReply.success(result.answer())))
        .thenUnstashAll());
  }

  private ReplyEffect<ConversationEvent, ConversationState> onHandBack(ConversationState state, HandBack cmd) {
    if (busy) return Effect().stash();
    if (!state.inHandoff()) return Effect().reply(cmd.replyTo(), StatusReply.success(state.view(userId)));
    MessageMeta meta = cmd.meta() == null ? MessageMeta.root(SOURCE, null) : cmd.meta();
    return Effect().persist(new HandedBack(userId, cmd.operator(), meta.causes(SOURCE)))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view(userId)));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onRefreshProfile(ConversationState state, RefreshProfile cmd) {
    if (state.applied(cmd.sourceEventId()) || java.util.Objects.equals(state.profile(), cmd.profile())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
    }
    MessageMeta meta = cmd.meta() == null ? MessageMeta.root(SOURCE, null) : cmd.meta();
    return Effect().persist(new ProfileRefreshed(userId, cmd.profile(), cmd.sourceEventId(), meta.causes(SOURCE)))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(Done.getInstance()));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onNoteViewed(ConversationState state, NoteViewedProducts cmd) {
    if (state.applied(cmd.sourceEventId()) || cmd.productIds().isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
    }
    MessageMeta meta = cmd.meta() == null ? MessageMeta.root(SOURCE, null) : cmd.meta();
    return Effect().persist(new ProductsViewed(userId, cmd.productIds(), cmd.sourceEventId(), meta.causes(SOURCE)))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(Done.getInstance()));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onIdle(ConversationState state, Idle cmd) {
    if (busy) return Effect().noReply();
    if (state.inSession()) {
      ActorRef<ConversationCommand> self = context.getSelf();
      return Effect().persist(state.completion(userId, Instant.now(), MessageMeta.root(SOURCE, null)))
          .thenRun(s -> self.tell(Idle.INSTANCE))
          .thenNoReply();
    }
    return idle.onIdle(state);
  }

  /**
   * An effect whose reply was sent (in {@code thenRun}, after the events were persisted) and which
   * then unstashes. Pekko's Java API types {@code unstashAll}/{@code thenUnstashAll} as a plain
   * {@code Effect}, though every effect it builds is a {@code ReplyEffect} (internal {@code EffectImpl}).
   */
  @SuppressWarnings("unchecked")
  private static ReplyEffect<ConversationEvent, ConversationState> replied(
      org.apache.pekko.persistence.typed.javadsl.Effect<ConversationEvent, ConversationState> effect) {
    return (ReplyEffect<ConversationEvent, ConversationState>) effect;
  }

  /** Why the request cannot be answered, or null. */
  static String violation(GenerateRequest request) {
    if (request == null) return "a request {userId, message} is required";
    if (request.message() == null || request.message().isBlank()) return "message must not be empty";
    if (request.message().length() > GenerateRequest.MAX_MESSAGE_LENGTH) {
      return "message must be at most " + GenerateRequest.MAX_MESSAGE_LENGTH + " characters (UTF-16 units), got "
          + request.message().length();
    }
    return null;
  }

  // ---------------------------------------------------------------- events, signals, tags

  @Override
  public EventHandler<ConversationState, ConversationEvent> eventHandler() {
    return ConversationState::apply;
  }

  @Override
  public SignalHandler<ConversationState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> idle.restart())
        .onSignal(PostStop.instance(), state -> idle.stopped())
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // never withDeleteEventsOnSnapshot: persistence-jdbc 1.1.x stops recovery at a gap (#516)
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public Set<String> tagsFor(ConversationEvent event) {
    return tags.tagsFor(userId);
  }
}
