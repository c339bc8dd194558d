package org.linecommerce.catalog.search;

import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.http.ProductRoutes;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.node.NodeContext;

/**
 * Test-only module wiring what CatalogModule will wire for search: catalog search on catalog nodes
 * and the product routes (product events come from the test {@link ProductJournal}).
 */
final class SearchTestModule implements DomainModule {

  @Override
  public String name() {
    return "catalog-search-test";
  }

  @Override
  public String role() {
    return "catalog";
  }

  @Override
  public void init(NodeContext context) {
    if (context.hosts("catalog")) CatalogSearch.init(context.system());
  }

  @Override
  public Optional<Route> routes(NodeContext context) {
    return Optional.of(new ProductRoutes(context.system(), new CatalogSearchClient(context.system())).route());
  }
}
