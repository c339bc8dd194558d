package org.linecommerce.conversation.internal;

import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.runtime.subscription.SubscriptionSettings;

/**
 * The conversations' subscription to customer events: {@value #NAME}, over the customer tags
 * ({@code customer-0..N-1}), its projections run on {@code conversation} nodes, handled by
 * {@link ConversationProfileProjectionHandler} (at-least-once, deduplicated by the Conversation
 * entity by event key). The conversation module calls {@link #start} once per node that hosts the
 * {@code conversation} role.
 */
public final class ConversationProfileProjection {

  public static final String NAME = "conversation-profile";
  /** The role whose nodes run the projections. */
  public static final String ROLE = "conversation";

  private ConversationProfileProjection() {}

  public static EventSubscription<CustomerEvent> start(ActorSystem<?> system) {
    return EventSubscription.start(system, NAME, EventTags.fromConfig(system, CustomerEvent.TAG_PREFIX), CustomerEvent.class,
        new ConversationProfileProjectionHandler(new ConversationClient(system), Json.mapper(system)),
        SubscriptionSettings.create(system).withRole(ROLE));
  }
}
