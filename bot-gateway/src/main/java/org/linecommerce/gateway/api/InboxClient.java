package org.linecommerce.gateway.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskPolicy;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.runtime.resilience.ResilientAsk;

/**
 * How the webhook (and tests) hand events to the chats' inboxes: events are grouped by chat, each
 * chat's inbox is asked once (all chats in parallel) through {@link ResilientAsk} with
 * {@code linecommerce.gateway.inbox.accept-timeout}, asked once and never retried here (LINE's
 * redelivery is the retry, and its 2 s budget leaves no room for another attempt).
 *
 * <p>No circuit breaker: what makes an accept fail is mostly slowness under a burst (new users'
 * shards and inboxes starting, a cold JVM), and a breaker would answer every webhook 503 for its
 * reset time after a one-second burst. Instead at most {@code linecommerce.gateway.inbox.max-in-flight}
 * accepts wait on a node at once; one more is answered 503 at once, so the backlog stays one the
 * timeout can drain. A journal that is down still means 503 within the timeout.
 */
public final class InboxClient {

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final AskPolicy acceptPolicy;

  public InboxClient(ActorSystem<?> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    Duration timeout = system.settings().config().getDuration("linecommerce.gateway.inbox.accept-timeout");
    int maxInFlight = system.settings().config().getInt("linecommerce.gateway.inbox.max-in-flight");
    this.acceptPolicy = ResilientAsk.get(system).commandPolicy().withTimeout(timeout).unguarded(maxInFlight);
  }

  /**
   * Records {@code events} in their chats' inboxes. Ok (with the summed counts) only when every
   * chat's inbox replied, i.e. every event is persisted or was already; otherwise the first failure.
   */
  public CompletionStage<AskResult<ChatInboxCommand.Accepted>> accept(List<LineEvent> events, MessageMeta meta) {
    Map<String, List<LineEvent>> byChat = new LinkedHashMap<>();
    for (LineEvent e : events) byChat.computeIfAbsent(e.source().chatId(), k -> new ArrayList<>()).add(e);
    if (byChat.isEmpty()) return CompletableFuture.completedFuture(new AskResult.Ok<>(new ChatInboxCommand.Accepted(0, 0)));
    List<CompletableFuture<AskResult<ChatInboxCommand.Accepted>>> asks = new ArrayList<>();
    byChat.forEach((chatId, chatEvents) -> asks.add(ResilientAsk.get(system).<ChatInboxCommand, ChatInboxCommand.Accepted>askWithStatus(
            sharding.entityRefFor(ChatInboxCommand.ENTITY_KEY, chatId),
            replyTo -> new ChatInboxCommand.Accept(chatEvents, meta, replyTo), acceptPolicy)
        .toCompletableFuture()));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      int recorded = 0;
      int duplicates = 0;
      List<String> duplicateIds = new ArrayList<>();
      for (var ask : asks) {
        AskResult<ChatInboxCommand.Accepted> r = ask.join();
        if (!r.isOk()) return r;
        recorded += r.value().recorded();
        duplicates += r.value().duplicates();
        duplicateIds.addAll(r.value().duplicateEventIds());
      }
      return new AskResult.Ok<>(new ChatInboxCommand.Accepted(recorded, duplicates, duplicateIds));
    });
  }

  /** The inbox of {@code chatId}'s status. */
  public CompletionStage<AskResult<ChatInboxCommand.Status>> status(String chatId) {
    return ResilientAsk.get(system).ask(sharding.entityRefFor(ChatInboxCommand.ENTITY_KEY, chatId),
        ChatInboxCommand.GetStatus::new, ResilientAsk.get(system).queryPolicy());
  }
}
