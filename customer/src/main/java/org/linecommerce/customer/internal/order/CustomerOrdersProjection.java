package org.linecommerce.customer.internal.order;

import org.apache.pekko.actor.typed.ActorSystem;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.persistence.Database;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.SubscriptionSettings;

/**
 * The read model behind {@code GET /api/v1/customers/{userId}/orders}: subscription
 * {@value #NAME} on order events ({@code order-N} tags), run on {@code customer} nodes, writing
 * {@code customer_orders} through {@link CustomerOrdersProjectionHandler}. Listing a customer's
 * orders is then one query, however many orders they have.
 */
public final class CustomerOrdersProjection {

  public static final String NAME = "customer-orders";

  private CustomerOrdersProjection() {}

  public static EventSubscription<OrderEvent> start(ActorSystem<?> system) {
    return EventSubscription.start(system, NAME, Order.tags(system), OrderEvent.class,
        new CustomerOrdersProjectionHandler(Database.get(system), Json.mapper(system)),
        SubscriptionSettings.create(system).withRole(Order.ROLE));
  }
}
