package org.linecommerce.conversation.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.StatusReply;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;
import org.linecommerce.runtime.resilience.Stages;

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

  public ConversationClient(ActorSystem<?> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.asks = ResilientAsk.get(system);
    this.generateTimeout = system.settings().config().getDuration(GENERATE_TIMEOUT);
    Duration askTimeout = system.settings().config().getDuration(ASK_TIMEOUT);
    this.reads = asks.queryPolicy().withTimeout(askTimeout);
    this.idempotent = asks.commandPolicy().withTimeout(askTimeout).retried(asks.queryPolicy().retries());
  }

  /** How long {@link #generate} waits for the entity's answer. */
  public Duration generateTimeout() {
    return generateTimeout;
  }

  /**
   * Answers one message of a customer (see {@link ConversationCommand.Generate}): the entity's
   * {@link AiAnswer}, also in {@code handoff} mode (an empty response then). Asked once.
   *
   * <p>The ask goes through the {@code Conversation} circuit breaker of {@link ResilientAsk} (its
   * state and metrics are shared with the other asks), but marked by hand rather than through
   * {@code ResilientAsk.askWithStatus}: that breaker's call timeout
   * ({@code linecommerce.resilience.breaker.call-timeout}, 30 s) is a safety net meant to sit
   * above the ask timeouts, and would cut a turn that waits 30 s for a remote vendor before the
   * local provider answers. A refusal is an answer (it does not count against the breaker); no
   * answer within the timeout, or an error, does.
   */
  public CompletionStage<AskResult<AiAnswer>> generate(GenerateRequest request, MessageMeta meta) {
    if (request == null) return rejected("request is required");
    if (blank(request.userId())) return rejected("userId is required");
    if (request.message() == null || request.message().isBlank()) return rejected("message is required");
    CircuitBreaker breaker = asks.breakerFor(ConversationCommand.ENTITY_KEY.name());
    if (breaker.isOpen()) {
      return CompletableFuture.completedFuture(new AskResult.Failed<>(AskResult.Failure.UNAVAILABLE,
          ConversationCommand.ENTITY_KEY.name() + " is unavailable (circuit open)"));
    }
    CompletionStage<StatusReply<AiAnswer>> reply;
    try {
      reply = ref(request.userId()).ask(
          replyTo -> new ConversationCommand.Generate(request, meta(meta), replyTo), generateTimeout);
    } catch (RuntimeException e) { // e.g. sharding not started on this node
      breaker.fail();
      return CompletableFuture.completedFuture(new AskResult.Failed<>(AskResult.Failure.ERROR,
          ConversationCommand.ENTITY_KEY.name() + ": " + e.getMessage()));
    }
    return Stages.onSystem(reply, system).handle((r, error) -> {
      if (error == null) {
        breaker.succeed();
        return r.isSuccess()
            ? new AskResult.Ok<>(r.getValue())
            : new AskResult.Failed<>(AskResult.Failure.REJECTED, r.getError().getMessage());
      }
      breaker.fail();
      Throwable cause = unwrap(error);
      if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
        return new AskResult.Failed<>(AskResult.Failure.TIMEOUT, ConversationCommand.ENTITY_KEY.name()
            + " did not answer within " + generateTimeout.toMillis() + " ms");
      }
      return new AskResult.Failed<>(AskResult.Failure.ERROR, ConversationCommand.ENTITY_KEY.name() + ": " + cause.getMessage());
    });
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

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static <T> CompletionStage<AskResult<T>> rejected(String detail) {
    return CompletableFuture.completedFuture(new AskResult.Failed<>(AskResult.Failure.REJECTED, detail));
  }
}
