package org.linecommerce.catalog;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.http.ProductRoutes;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * The product catalog on a node. Every node starts Product sharding (a proxy where the
 * {@code catalog} role is absent) so any domain can reach any product; catalog nodes also host the
 * products, the seeder singleton, their own search index with its {@code CatalogSearch} actor, and
 * serve the product routes ({@code /api/v1/products…}) and admin routes ({@code /admin/products…}).
 */
public final class CatalogModule implements DomainModule {

  public static final String ROLE = "catalog";

  @Override
  public String name() {
    return "product-catalog";
  }

  @Override
  public String role() {
    return ROLE;
  }

  @Override
  public void init(NodeContext context) {
    CatalogEntities.init(context.system());
    if (context.hosts(ROLE)) {
      CatalogSearch.init(context.system());
    }
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    return Optional.of(Directives.concat(
        new ProductRoutes(context.system(), new CatalogSearchClient(context.system())).route(),
        CatalogEntities.adminRoutes(context.system())));
  }
}
