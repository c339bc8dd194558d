package org.linecommerce.catalog;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/** The catalog as a module for tests on real nodes, wired as the catalog's DomainModule will be. */
public final class CatalogTestModule implements DomainModule {

  @Override
  public String name() {
    return "catalog";
  }

  @Override
  public String role() {
    return "catalog";
  }

  @Override
  public void init(NodeContext context) {
    CatalogEntities.init(context.system());
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    return Optional.of(CatalogEntities.adminRoutes(context.system()));
  }
}
