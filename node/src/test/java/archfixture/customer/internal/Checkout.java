package archfixture.customer.internal;

import archfixture.catalog.api.CatalogClient;
import archfixture.catalog.internal.StockLedger;

/** Fixture for ArchitectureTest: a leaf domain using another domain's internals. */
public class Checkout {
  public int run(CatalogClient client) {
    client.touch(this);
    return new StockLedger().available();
  }
}
