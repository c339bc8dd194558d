package org.linecommerce.gateway;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.linecommerce.gateway.api.LineEvent;
import org.linecommerce.gateway.internal.ChatReactions;
import org.linecommerce.runtime.MessageMeta;

/**
 * Reactions for tests: completes at once and remembers every call (per event id, and the order per
 * chat). Chats put on hold get a reaction that never completes, as if the node died mid-reaction.
 */
public final class CountingReactions implements ChatReactions {

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, List<String>> orderByChat = new ConcurrentHashMap<>();
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  @Override
  public CompletionStage<Done> react(LineEvent event, MessageMeta meta) {
    String chat = event.source().chatId();
    if (held.contains(chat)) return new CompletableFuture<>();
    calls.computeIfAbsent(event.eventId(), k -> new AtomicInteger()).incrementAndGet();
    orderByChat.computeIfAbsent(chat, k -> new CopyOnWriteArrayList<>()).add(event.eventId());
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** How many completed reactions {@code eventId} got. */
  public int calls(String eventId) {
    AtomicInteger n = calls.get(eventId);
    return n == null ? 0 : n.get();
  }

  /** The event ids reacted to in {@code chatId}, in order. */
  public List<String> order(String chatId) {
    return List.copyOf(orderByChat.getOrDefault(chatId, List.of()));
  }

  /** Reactions in {@code chatId} never complete until {@link #release}. */
  public void hold(String chatId) {
    held.add(chatId);
  }

  public void release(String chatId) {
    held.remove(chatId);
  }
}
