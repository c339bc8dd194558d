package org.linecommerce.customer.order;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.customer.internal.order.OrderModuleParts;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/** Orders as a module for tests on real nodes, wired as CustomerModule will wire them. */
final class OrderTestModule implements DomainModule {

  private final CheckoutSaga.Hooks hooks;

  OrderTestModule() {
    this(CheckoutSaga.Hooks.NONE);
  }

  OrderTestModule(CheckoutSaga.Hooks hooks) {
    this.hooks = hooks;
  }

  @Override
  public String name() {
    return "orders";
  }

  @Override
  public String role() {
    return "customer";
  }

  @Override
  public void init(NodeContext context) {
    OrderModuleParts.init(context.system(), hooks);
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    return Optional.of(OrderModuleParts.routes(context.system()));
  }
}
