package org.linecommerce.conversation.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * How other modules (and the conversation's own routes and subscriptions) talk to conversations:
 * one ask to the user's Conversation entity ({@link ConversationCommand#ENTITY_KEY}, entity id =
 * the LINE user id) through the runtime's {@link ResilientAsk}. Every call completes with an
 * {@link AskResult}, never exceptionally: {@code Ok(reply)}, {@code Failed(REJECTED, message)}
 * when the conversation refused (an invalid request; nothing was done), or
 * {@code TIMEOUT}/{@code UNAVAILABLE}/{@code ERROR}.
 *
 * <ul>
 *   <li>{@link #generate} is asked once, with {@code linecommerce.conversation.generate-timeout}
 *       [60 s]: a turn may wait for a remote AI vendor (30 s) and then the local provider. A caller
 *       that got no answer repeats it with the same {@code messageId}: the entity answers a message
 *       id it has answered before from its memory and never acts twice.
 *   <li>Reads ({@link #history}, {@link #view}) and the writes the entity dedupes
 *       ({@link #handBack}, which answers the view also when the chat is already with the bot;
 *       {@link #refreshProfile} and {@link #noteViewedProducts}, idempotent by
 *       {@code sourceEventId}) use {@code linecommerce.conversation.ask-timeout} [3 s] per attempt
 *       and are retried with backoff.
 * </ul>
 *
 * <p>The node must have started the Conversation sharding (the conversation module's init does, as
 * a proxy where the {@code conversation} role is absent).
 */
public final class ConversationClient {

  /** Config path of the generate timeout. */
  public static final String GENERATE_TIMEOUT = "linecommerce.conversation.generate-timeout";
  /** Config path of the timeout per attempt of every other ask. */
  public static final String ASK_TIMEOUT = "linecommerce.conversation.ask-timeout";

  private static final String SOURCE = "conversation-client";

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ResilientAsk asks;
  private final Duration generateTimeout;
  private final AskPolicy reads;
  private final AskPolicy idempotent;
  private final AskPolicy turns;

  public ConversationClient(ActorSystem<?> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.asks = ResilientAsk.get(system);
    this.generateTimeout = system.settings().config().getDuration(GENERATE_TIMEOUT);
    Duration askTimeout = system.settings().config().getDuration(ASK_TIMEOUT);
    this.reads = asks.queryPolicy().withTimeout(askTimeout);
    this.idempotent = asks.commandPolicy().withTimeout(askTimeout).retried(asks.queryPolicy().retries());
    this.turns = asks.commandPolicy().withTimeout(generateTimeout);
  }

  /** How long {@link #generate} waits for the entity's answer. */
  public Duration generateTimeout() {
    return generateTimeout;
  }

  /**
   * Answers one message of a customer (see {@link ConversationCommand.Generate}): the entity's
   * {@link AiAnswer}, also in {@code handoff} mode (an empty response then). Asked once, through the
   * {@code Conversation} circuit breaker of {@link ResilientAsk}, with the generate timeout (longer
   * than the breaker's own call timeout: ResilientAsk then lets the policy bound the ask and tells
   * the breaker its outcome). A refusal is an answer (it does not count against the breaker).
   */
  public CompletionStage<AskResult<AiAnswer>> generate(GenerateRequest request, MessageMeta meta) {
    if (request == null) return rejected("request is required");
    if (blank(request.userId())) return rejected("userId is required");
    if (request.message() == null || request.message().isBlank()) return rejected("message is required");
    return guarded(() -> asks.askWithStatus(ref(request.userId()),
        replyTo -> new ConversationCommand.Generate(request, meta(meta), replyTo), turns));
  }

  /** The last {@code limit} messages, oldest first; none for a user who never wrote. */
  public CompletionStage<AskResult<ConversationCommand.History>> history(String userId, int limit) {
    if (blank(userId)) return rejected("userId is required");
    if (limit < 1) return rejected("limit must be at least 1");
    return guarded(() -> asks.ask(ref(userId), replyTo -> new ConversationCommand.GetHistory(limit, replyTo), reads));
  }

  /** The conversation's mode, last messages and counters. */
  public CompletionStage<AskResult<ConversationView>> view(String userId) {
    if (blank(userId)) return rejected("userId is required");
    return guarded(() -> asks.ask(ref(userId), ConversationCommand.GetView::new, reads));
  }

  /** Hands a chat in {@code handoff} mode back to the bot; the view, also when already with the bot. */
  public CompletionStage<AskResult<ConversationView>> handBack(String userId, String operator, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    return guarded(() -> asks.askWithStatus(ref(userId),
        replyTo -> new ConversationCommand.HandBack(operator, meta(meta), replyTo), idempotent));
  }

  /**
   * The customer's profile changed ({@code profile}), or was erased ({@code profile} null).
   * Idempotent by {@code sourceEventId} (e.g. the customer event's key).
   */
  public CompletionStage<AskResult<Done>> refreshProfile(
      String userId, CustomerProfile profile, String sourceEventId, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    if (blank(sourceEventId)) return rejected("sourceEventId is required");
    return guarded(() -> asks.askWithStatus(ref(userId),
        replyTo -> new ConversationCommand.RefreshProfile(profile, sourceEventId, meta(meta), replyTo), idempotent));
  }

  /** The customer viewed {@code productIds}: context for the next turns. Idempotent by {@code sourceEventId}. */
  public CompletionStage<AskResult<Done>> noteViewedProducts(
      String userId, List<String> productIds, String sourceEventId, MessageMeta meta) {
    if (blank(userId)) return rejected("userId is required");
    if (blank(sourceEventId)) return rejected("sourceEventId is required");
    if (productIds == null || productIds.isEmpty()) return rejected("productIds must not be empty");
    List<String> ids = List.copyOf(productIds);
    return guarded(() -> asks.askWithStatus(ref(userId),
        replyTo -> new ConversationCommand.NoteViewedProducts(ids, sourceEventId, meta(meta), replyTo), idempotent));
  }

  private EntityRef<ConversationCommand> ref(String userId) {
    return sharding.entityRefFor(ConversationCommand.ENTITY_KEY, userId);
  }

  /** {@code ask}, or {@code Failed(ERROR)} when it cannot even be sent (e.g. the sharding is not started on this node). */
  private static <T> CompletionStage<AskResult<T>> guarded(Supplier<CompletionStage<AskResult<T>>> ask) {
    try {
      return ask.get();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new AskResult.Failed<>(AskResult.Failure.ERROR,
          ConversationCommand.ENTITY_KEY.name() + ": " + e.getMessage()));
    }
  }

  private static MessageMeta meta(MessageMeta meta) {
    return meta != null ? meta : MessageMeta.root(SOURCE, null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static <T> CompletionStage<AskResult<T>> rejected(String detail) {
    return CompletableFuture.completedFuture(new AskResult.Failed<>(AskResult.Failure.REJECTED, detail));
  }
}
