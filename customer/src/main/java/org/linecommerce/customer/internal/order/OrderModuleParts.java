package org.linecommerce.customer.internal.order;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.http.OrderRoutes;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.runtime.subscription.SubscriptionRegistry;

/**
 * Wires orders into a node; {@code CustomerModule} calls {@link #init} from its {@code init} (every
 * node: Order sharding, a proxy where the {@code customer} role is absent, and the checkout saga
 * definition, which every node must know, the checkout sweeper singleton, the
 * {@link CustomerOrdersProjection} read model and the {@link OrderActivityProjection} reaction, and
 * registers the node's {@link OrderClient}) and serves
 * {@link #routes} with its own.
 */
public final class OrderModuleParts {

  private OrderModuleParts() {}

  public static void init(ActorSystem<?> system) {
    init(system, CheckoutSaga.Hooks.NONE);
  }

  /** Like {@link #init(ActorSystem)} with test hooks in the checkout saga. */
  public static void init(ActorSystem<?> system, CheckoutSaga.Hooks hooks) {
    Order.init(system);
    Sagas sagas = Sagas.get(system);
    if (sagas.definition(CheckoutSaga.NAME).isEmpty()) {
      sagas.register(CheckoutSaga.definition(new CatalogClient(system), hooks));
    }
    Saga.init(system); // now, not on the first order: a cold region would time out a burst of first starts
    CheckoutSweeper.init(system);
    SubscriptionRegistry subscriptions = SubscriptionRegistry.get(system);
    if (subscriptions.lookup(CustomerOrdersProjection.NAME).isEmpty()) CustomerOrdersProjection.start(system);
    if (subscriptions.lookup(OrderActivityProjection.NAME).isEmpty()) OrderActivityProjection.start(system);
    OrderClient.register(system, new OrderDesk(system));
  }

  public static Route routes(ActorSystem<?> system) {
    return new OrderRoutes(system, OrderClient.get(system)).route();
  }
}
