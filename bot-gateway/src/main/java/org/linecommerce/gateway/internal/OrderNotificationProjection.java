package org.linecommerce.gateway.internal;

import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.gateway.line.LineMessages;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.EventTags;
import org.linecommerce.runtime.subscription.SubscriptionSettings;

/**
 * The gateway's subscription {@value #NAME} to order events ({@code order-0..N-1} tags), its
 * projections running on {@code gateway} nodes, handled by {@link OrderNotifications}
 * (at-least-once; exactly once to the customer because the dispatcher dedupes by outbound id).
 */
public final class OrderNotificationProjection {

  public static final String NAME = "gateway-order-notifications";

  private OrderNotificationProjection() {}

  public static EventSubscription<OrderEvent> start(ActorSystem<?> system) {
    CustomerClient customers = new CustomerClient(system);
    ChatBot languages = ChatBot.create(system);
    return EventSubscription.start(system, NAME, EventTags.fromConfig(system, OrderEvent.TAG_PREFIX), OrderEvent.class,
        new OrderNotifications(() -> OrderClient.get(system), languages::languageOf, LineMessages.withDefaults(),
            request -> ReplyDispatcher.send(system, request), OrderPresenter.create(system)),
        SubscriptionSettings.create(system).withRole(GatewayModule.ROLE));
  }
}
