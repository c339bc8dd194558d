package org.linecommerce.gateway.internal;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.gateway.api.OutboundCommand;
import org.linecommerce.gateway.api.OutboundCommand.DeliveryStatus;
import org.linecommerce.gateway.api.OutboundCommand.GetStatus;
import org.linecommerce.gateway.api.OutboundCommand.Send;
import org.linecommerce.gateway.api.OutboundEvent;
import org.linecommerce.gateway.api.OutboundRequest;
import org.linecommerce.gateway.line.LineChannel;
import org.linecommerce.gateway.line.LineMessaging;
import org.linecommerce.gateway.line.LineResult;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.tracing.LogContext;
import org.linecommerce.runtime.entity.IdlePassivation;
import org.linecommerce.runtime.entity.RememberedEntities;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * Delivers one {@link OutboundRequest} to LINE exactly once as far as LINE lets us (one sharded,
 * event-sourced entity per {@code outboundId}, type {@code LineOutbound}, remembered; events
 * {@link OutboundEvent}).
 *
 * <p><b>Policy.</b> The reply token is used only while young ({@code eventTime + reply-window}) and
 * only once: {@code ReplyAttempted} is persisted before the call, so after any failure — an invalid
 * token, LINE unavailable, a timeout, or a crash mid-call — the dispatcher pushes instead and never
 * replies again. (A reply LINE accepted but whose answer was lost is then also pushed: LINE offers
 * replies no idempotency key, so that is the one duplicate we cannot rule out.) Each push batch
 * (at most 5 messages) gets an {@code X-Line-Retry-Key} persisted before its first push; every
 * retry, also after a crash, reuses it, and LINE's 409 for an accepted key counts as delivered.
 * Unavailable and rate-limited calls are retried with exponential backoff ({@code Retry-After}
 * when LINE gives one) until {@code retry.max-attempts} or {@code retry.max-age}, then recorded as
 * failed; LINE's monthly quota stops at once ({@code failed-quota}, shown by the {@code line}
 * health check); any other refusal fails without retry.
 *
 * <p><b>Crashes.</b> Remember-entities restarts a pending delivery on some node after a crash or a
 * restart and recovery resumes it without a new command; a finished one passivates when idle
 * ({@link IdlePassivation}) and leaves the remembered set. A repeated {@link Send} is acknowledged
 * and changes nothing.
 */
public final class ReplyDispatcher
    extends EventSourcedBehaviorWithEnforcedReplies<OutboundCommand, OutboundEvent, OutboundDelivery> {

  /** Time for the next attempt; no reply. */
  enum Attempt implements OutboundCommand.Internal { INSTANCE }

  /** No command for {@code idle-timeout}; no reply. */
  enum Idle implements OutboundCommand.Internal { INSTANCE }

  /** LINE answered the reply call; no reply. */
  record ReplyAnswered(LineResult result) implements OutboundCommand.Internal {}

  /** LINE answered the push of batch {@code batch}; no reply. */
  record PushAnswered(int batch, LineResult result) implements OutboundCommand.Internal {}

  /** The dispatcher's settings ({@code linecommerce.gateway.dispatcher}). */
  record Settings(Duration replyWindow, Duration idleTimeout, Duration askTimeout, Duration minBackoff,
      Duration maxBackoff, int maxAttempts, Duration maxAge, int maxTextUnits) {
    static Settings fromConfig(Config root) {
      Config c = root.getConfig("linecommerce.gateway.dispatcher");
      return new Settings(c.getDuration("reply-window"), c.getDuration("idle-timeout"), c.getDuration("ask-timeout"),
          c.getDuration("retry.min-backoff"), c.getDuration("retry.max-backoff"), c.getInt("retry.max-attempts"),
          c.getDuration("retry.max-age"), root.getInt("linecommerce.gateway.line-limits.text-units"));
    }
  }

  private final String outboundId;
  private final ActorContext<OutboundCommand> context;
  private final TimerScheduler<OutboundCommand> timers;
  private final LineChannel channel;
  private final LineMessaging line;
  private final Settings settings;
  private final IdlePassivation<OutboundCommand, OutboundDelivery> idle;
  /** A call to LINE is in flight (not state: after a crash its outcome is unknown and the policy above applies). */
  private boolean calling;
  /** Failed attempts since this incarnation started (the persisted {@code acceptedAt} bounds retries across crashes). */
  private int failedAttempts;

  private ReplyDispatcher(String outboundId, ActorContext<OutboundCommand> context, TimerScheduler<OutboundCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(OutboundCommand.ENTITY_KEY.name(), outboundId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.outboundId = outboundId;
    this.context = context;
    this.timers = timers;
    this.channel = LineChannel.get(context.getSystem());
    this.line = channel.messaging();
    this.settings = Settings.fromConfig(context.getSystem().settings().config());
    this.idle = new IdlePassivation<>(context, timers, shard, settings.idleTimeout(), Idle.INSTANCE,
        state -> !state.pending() && !calling);
  }

  /** Starts sharding of {@code LineOutbound} (remember-entities): hosted on gateway nodes, a proxy elsewhere. */
  public static void init(ActorSystem<?> system) {
    RememberedEntities.init(system, OutboundCommand.ENTITY_KEY, GatewayModule.ROLE, ReplyDispatcher::create);
  }

  /** The entity; {@code shard} is null outside sharding. */
  public static Behavior<OutboundCommand> create(String outboundId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return LogContext.withMdc(OutboundCommand.class, OutboundCommand.ENTITY_KEY.name() + "|" + outboundId,
        command -> command instanceof OutboundCommand.Send send ? send.request().meta() : null,
        Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ReplyDispatcher(outboundId, ctx, timers, shard))));
  }

  /**
   * Hands {@code request} to its dispatcher: completes when it is durably recorded (delivery goes
   * on in the background, across crashes); a request whose {@code outboundId} was seen before
   * completes too and is not sent again. Fails only when the dispatcher could not be reached.
   */
  public static CompletionStage<Done> send(ActorSystem<?> system, OutboundRequest request) {
    ResilientAsk asks = ResilientAsk.get(system);
    var ref = ClusterSharding.get(system).entityRefFor(OutboundCommand.ENTITY_KEY, request.outboundId());
    // Send is idempotent, so the retried query policy is safe. No breaker: the caller (an inbox's
    // reaction) retries on its own, and a breaker opened by the slow first sends of a burst refused
    // every answer for its reset time (bench/RESULTS.md, item 2)
    return asks.<OutboundCommand, Done>askWithStatus(ref, replyTo -> new Send(request, replyTo), asks.queryPolicy().unguarded(0))
        .thenCompose(result -> result instanceof AskResult.Ok<Done> ok
            ? CompletableFuture.completedFuture(ok.value())
            : CompletableFuture.failedFuture(new IllegalStateException("outbound " + request.outboundId() + ": " + result)));
  }

  /** Where the delivery {@code outboundId} stands. */
  public static CompletionStage<DeliveryStatus> status(ActorSystem<?> system, String outboundId) {
    ResilientAsk asks = ResilientAsk.get(system);
    var ref = ClusterSharding.get(system).entityRefFor(OutboundCommand.ENTITY_KEY, outboundId);
    return asks.<OutboundCommand, DeliveryStatus>ask(ref, GetStatus::new, asks.queryPolicy())
        .thenCompose(result -> result instanceof AskResult.Ok<DeliveryStatus> ok
            ? CompletableFuture.completedFuture(ok.value())
            : CompletableFuture.failedFuture(new IllegalStateException("outbound " + outboundId + ": " + result)));
  }

  @Override
  public OutboundDelivery emptyState() {
    return OutboundDelivery.empty();
  }

  @Override
  public CommandHandlerWithReply<OutboundCommand, OutboundEvent, OutboundDelivery> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forAnyState()
        .onCommand(Send.class, this::onSend)
        .onCommand(GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), s.status(outboundId)))
        .onCommand(Attempt.class, this::onAttempt)
        .onCommand(ReplyAnswered.class, this::onReplyAnswered)
        .onCommand(PushAnswered.class, this::onPushAnswered)
        .onCommand(Idle.class, (s, c) -> idle.onIdle(s));
    return idle.restartOnEveryCommand(builder.build());
  }

  /** Records a new request and starts delivering it; a known one is only acknowledged. */
  private ReplyEffect<OutboundEvent, OutboundDelivery> onSend(OutboundDelivery state, Send command) {
    if (state.known()) return Effect().reply(command.replyTo(), StatusReply.ack());
    OutboundRequest request = command.request();
    String unusable = OutboundDelivery.unusable(request, settings.maxTextUnits());
    var accepted = new OutboundEvent.Accepted(outboundId, request, Instant.now());
    if (unusable != null) {
      context.getLog().warn("outbound {} to {} refused before sending: {}", outboundId, request.chatId(), unusable);
      return Effect().persist(List.of(accepted, new OutboundEvent.DeliveryFailed(outboundId, "refused: " + unusable, false)))
          .thenReply(command.replyTo(), s -> StatusReply.ack());
    }
    return Effect().persist(accepted)
        .thenRun(s -> context.getSelf().tell(Attempt.INSTANCE))
        .thenReply(command.replyTo(), s -> StatusReply.ack());
  }

  /** The next call: the reply (after recording that it is being tried) or the push of the next batch (after giving it a key). */
  private ReplyEffect<OutboundEvent, OutboundDelivery> onAttempt(OutboundDelivery state, Attempt command) {
    if (!state.pending() || calling) return Effect().noReply();
    if (state.replyNow(Instant.now(), settings.replyWindow())) {
      return Effect().persist(new OutboundEvent.ReplyAttempted(outboundId, Instant.now()))
          .thenRun(this::callReply)
          .thenNoReply();
    }
    int batch = state.delivered();
    if (state.retryKey(batch) == null) {
      return Effect().persist(new OutboundEvent.PushKeyAssigned(outboundId, batch, UUID.randomUUID()))
          .thenRun(s -> callPush(s, batch))
          .thenNoReply();
    }
    callPush(state, batch);
    return Effect().noReply();
  }

  private void callReply(OutboundDelivery state) {
    calling = true;
    OutboundRequest r = state.request();
    context.pipeToSelf(line.reply(r.replyToken(), r.chatId(), r.messages(), meta(r)),
        (result, error) -> new ReplyAnswered(result != null ? result : new LineResult.Unavailable(String.valueOf(error))));
  }

  private void callPush(OutboundDelivery state, int batch) {
    calling = true;
    OutboundRequest r = state.request();
    context.pipeToSelf(line.push(r.chatId(), state.batches().get(batch), state.retryKey(batch), meta(r)),
        (result, error) -> new PushAnswered(batch, result != null ? result : new LineResult.Unavailable(String.valueOf(error))));
  }

  private ReplyEffect<OutboundEvent, OutboundDelivery> onReplyAnswered(OutboundDelivery state, ReplyAnswered answer) {
    calling = false;
    LineResult result = answer.result();
    channel.noteResult(result);
    if (!state.pending()) return Effect().noReply();
    if (result instanceof LineResult.Sent sent) {
      failedAttempts = 0;
      return Effect().persist(new OutboundEvent.BatchDelivered(outboundId, 0, "reply", sent.requestId()))
          .thenRun(s -> answered(s, "reply"))
          .thenNoReply();
    }
    if (result instanceof LineResult.QuotaExhausted q) return quotaExhausted(q);
    // any other outcome: the token is spent (or may be); push instead
    return Effect().persist(new OutboundEvent.ReplyAbandoned(outboundId, result.toString()))
        .thenRun(s -> context.getSelf().tell(Attempt.INSTANCE))
        .thenNoReply();
  }

  private ReplyEffect<OutboundEvent, OutboundDelivery> onPushAnswered(OutboundDelivery state, PushAnswered answer) {
    calling = false;
    LineResult result = answer.result();
    channel.noteResult(result);
    if (!state.pending() || answer.batch() != state.delivered()) return Effect().noReply();
    if (result instanceof LineResult.Sent sent) return batchDelivered(answer.batch(), sent.requestId());
    if (result instanceof LineResult.AlreadyAccepted accepted) return batchDelivered(answer.batch(), accepted.acceptedRequestId());
    if (result instanceof LineResult.QuotaExhausted q) return quotaExhausted(q);
    if (result instanceof LineResult.Unavailable || result instanceof LineResult.RateLimited) {
      return retryLater(state, result);
    }
    context.getLog().warn("outbound {} to {} refused by LINE: {}", outboundId, state.request().chatId(), result);
    return Effect().persist(new OutboundEvent.DeliveryFailed(outboundId, "refused: " + result, false)).thenNoReply();
  }

  private ReplyEffect<OutboundEvent, OutboundDelivery> batchDelivered(int batch, String requestId) {
    failedAttempts = 0;
    return Effect().persist(new OutboundEvent.BatchDelivered(outboundId, batch, "push", requestId))
        .thenRun(s -> {
          if (s.pending()) context.getSelf().tell(Attempt.INSTANCE);
          else answered(s, "push");
        })
        .thenNoReply();
  }

  private ReplyEffect<OutboundEvent, OutboundDelivery> quotaExhausted(LineResult.QuotaExhausted q) {
    context.getLog().error("outbound {}: LINE's monthly message limit is reached; delivery stopped ({})", outboundId, q.message());
    return Effect().persist(new OutboundEvent.DeliveryFailed(outboundId, "quota: " + q.message(), true)).thenNoReply();
  }

  private ReplyEffect<OutboundEvent, OutboundDelivery> retryLater(OutboundDelivery state, LineResult result) {
    failedAttempts++;
    boolean tooOld = Instant.now().isAfter(state.acceptedAt().plus(settings.maxAge()));
    if (failedAttempts >= settings.maxAttempts() || tooOld) {
      context.getLog().error("outbound {} to {} given up after {} attempts: {}", outboundId, state.request().chatId(),
          failedAttempts, result);
      return Effect().persist(new OutboundEvent.DeliveryFailed(outboundId, "gave up: " + result, false)).thenNoReply();
    }
    Duration backoff = backoff(failedAttempts);
    if (result instanceof LineResult.RateLimited r && r.retryAfter() != null && r.retryAfter().compareTo(backoff) > 0) {
      backoff = r.retryAfter();
    }
    // debug: during an outage of LINE this repeats for every pending answer (line_api_retries_total counts them)
    context.getLog().debug("outbound {}: {}; next attempt in {} ms", outboundId, result, backoff.toMillis());
    channel.noteRetry();
    timers.startSingleTimer("attempt", Attempt.INSTANCE, backoff);
    return Effect().noReply();
  }

  /** The latency of an answer to a LINE event (requests without an event time, e.g. notifications, have none). */
  private void answered(OutboundDelivery state, String via) {
    Instant eventTime = state.request().eventTime();
    if (eventTime != null && state.failure() == null) channel.noteAnswered(via, Duration.between(eventTime, Instant.now()));
  }

    private Duration backoff(int attempt) {
    long min = settings.minBackoff().toMillis();
    long exp = min << Math.min(20, attempt - 1);
    long capped = Math.min(settings.maxBackoff().toMillis(), exp);
    long jitter = (long) (capped * 0.2 * Math.random());
    return Duration.ofMillis(capped + jitter);
  }

  private static MessageMeta meta(OutboundRequest r) {
    return r.meta() != null ? r.meta() : MessageMeta.root("bot-gateway", r.outboundId());
  }

  @Override
  public EventHandler<OutboundDelivery, OutboundEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(OutboundDelivery::apply);
  }

  @Override
  public SignalHandler<OutboundDelivery> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          idle.restart();
          // a delivery interrupted by a crash resumes by itself (remember-entities woke us up)
          if (state.pending()) context.getSelf().tell(Attempt.INSTANCE);
        })
        .build();
  }
}
