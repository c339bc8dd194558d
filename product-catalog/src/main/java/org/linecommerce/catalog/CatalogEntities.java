package org.linecommerce.catalog;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.http.CatalogAdminRoutes;
import org.linecommerce.catalog.internal.CatalogSeeder;
import org.linecommerce.catalog.internal.Product;

/**
 * What a node starts for the product catalog's entities: the {@code Product} sharding (hosting on
 * {@code catalog} nodes, a proxy elsewhere, so every node can reach every product) and the seeder
 * singleton that imports the seed catalog into an empty database. The catalog module's
 * {@code DomainModule.init} calls {@link #init} on every node, and serves {@link #adminRoutes} on
 * catalog nodes.
 */
public final class CatalogEntities {

  private CatalogEntities() {}

  /** Starts Product sharding and the catalog seeder (singleton on the catalog role). Idempotent. */
  public static void init(ActorSystem<?> system) {
    Product.init(system);
    CatalogSeeder.init(system);
  }

  /** {@code POST /admin/products/import}, {@code PUT /admin/products/{id}}, {@code GET /admin/products/{id}}. */
  public static Route adminRoutes(ActorSystem<?> system) {
    return new CatalogAdminRoutes(system, new CatalogClient(system)).route();
  }
}
