package org.linecommerce.runtime.subscription;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;

/**
 * A test handler that records every successful delivery per event id and every attempt; events
 * whose id is {@link #poison poisoned} fail (alternately by throwing and by a failed future, the
 * two ways a handler can fail) until {@link #heal healed}.
 */
final class RecordingHandler implements SubscriptionHandler<Beacon.Event> {

  private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, EventDelivery<Beacon.Event>> lastDelivery = new ConcurrentHashMap<>();
  private final Set<String> poisoned = ConcurrentHashMap.newKeySet();

  @Override
  public CompletionStage<Done> handle(EventDelivery<Beacon.Event> delivery) {
    String id = ((Beacon.Emitted) delivery.event()).eventId();
    int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (poisoned.contains(id)) {
      String message = "cannot handle " + id + " (call " + attempt + ")";
      if (attempt % 2 == 1) throw new IllegalStateException(message);
      return CompletableFuture.failedFuture(new IllegalStateException(message));
    }
    lastDelivery.put(id, delivery);
    delivered.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  void poison(String eventId) {
    poisoned.add(eventId);
  }

  void heal(String eventId) {
    poisoned.remove(eventId);
  }

  /** Distinct event ids delivered successfully. */
  Set<String> deliveredIds() {
    return Set.copyOf(delivered.keySet());
  }

  int deliveries(String eventId) {
    AtomicInteger n = delivered.get(eventId);
    return n == null ? 0 : n.get();
  }

  int attempts(String eventId) {
    AtomicInteger n = attempts.get(eventId);
    return n == null ? 0 : n.get();
  }

  EventDelivery<Beacon.Event> lastDelivery(String eventId) {
    return lastDelivery.get(eventId);
  }
}
