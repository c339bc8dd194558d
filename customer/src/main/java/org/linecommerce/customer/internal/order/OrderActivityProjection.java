package org.linecommerce.customer.internal.order;

import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.SubscriptionSettings;

/**
 * The reaction that tells the customer's profile about placed orders: subscription {@value #NAME}
 * on order events, run on {@code customer} nodes, handled by {@link OrderActivityProjectionHandler}
 * (at-least-once delivery, deduplicated by the Customer entity).
 */
public final class OrderActivityProjection {

  public static final String NAME = "order-placed-activity";

  private OrderActivityProjection() {}

  public static EventSubscription<OrderEvent> start(ActorSystem<?> system) {
    return EventSubscription.start(system, NAME, Order.tags(system), OrderEvent.class,
        new OrderActivityProjectionHandler(new CustomerClient(system), Json.mapper(system)),
        SubscriptionSettings.create(system).withRole(Order.ROLE));
  }
}
