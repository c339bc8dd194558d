package org.linecommerce.customer;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.catalog.api.RecommendationSignals;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.http.CustomerRoutes;
import org.linecommerce.customer.internal.Customer;
import org.linecommerce.customer.internal.order.OrderModuleParts;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * The customer domain on a node. Every node starts Customer sharding (a proxy where the
 * {@code customer} role is absent) so any domain can reach any customer, and registers the
 * customers' recommendation signals with the catalog ({@link RecommendationSignals#register}), so
 * {@code GET /api/v1/products/recommendations?userId=} knows the user's interests, recent views
 * and orders wherever the catalog routes run. Orders and the checkout saga start here too
 * ({@code OrderModuleParts}). Customer nodes serve {@code /api/v1/customers…} and {@code /api/v1/orders…}.
 */
public final class CustomerModule implements DomainModule {

  public static final String ROLE = Customer.ROLE;

  @Override
  public String name() {
    return "customer";
  }

  @Override
  public String role() {
    return ROLE;
  }

  @Override
  public void init(NodeContext context) {
    Customer.init(context.system());
    RecommendationSignals.register(context.system(), new CustomerClient(context.system()).asRecommendationSignals());
    OrderModuleParts.init(context.system());
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    // orders first: GET /api/v1/customers/{userId}/orders is theirs
    return Optional.of(Directives.concat(
        OrderModuleParts.routes(context.system()),
        new CustomerRoutes(context.system(), new CustomerClient(context.system())).route()));
  }
}
