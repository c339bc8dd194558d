package org.linecommerce.runtime.subscription;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The subscriptions started on this node, by name. {@link EventSubscription#start} registers each
 * one; the dead-letter store finds a subscription's handler here to redeliver an event, so a
 * retry through the admin API runs on the node that serves the request.
 */
public final class SubscriptionRegistry implements Extension {

  private final ConcurrentMap<String, EventSubscription<?>> subscriptions = new ConcurrentHashMap<>();

  private SubscriptionRegistry() {}

  public static SubscriptionRegistry get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The subscription named {@code name}, if it was started on this node. */
  public Optional<EventSubscription<?>> lookup(String name) {
    return Optional.ofNullable(subscriptions.get(name));
  }

  /** Names of the subscriptions started on this node. */
  public Set<String> names() {
    return new TreeSet<>(subscriptions.keySet());
  }

  void register(EventSubscription<?> subscription) {
    EventSubscription<?> previous = subscriptions.putIfAbsent(subscription.name(), subscription);
    if (previous != null) {
      throw new IllegalStateException("subscription '" + subscription.name() + "' is already started on this node");
    }
  }

  static final class Id extends ExtensionId<SubscriptionRegistry> {
    static final Id INSTANCE = new Id();

    @Override
    public SubscriptionRegistry createExtension(ActorSystem<?> system) {
      return new SubscriptionRegistry();
    }
  }
}
