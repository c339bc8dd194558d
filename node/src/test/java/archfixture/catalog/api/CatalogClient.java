package archfixture.catalog.api;

import archfixture.customer.internal.Checkout;

/** Fixture for ArchitectureTest: an api that calls back into another domain (a cycle). */
public class CatalogClient {
  public String touch(Checkout checkout) {
    return checkout.toString();
  }
}
