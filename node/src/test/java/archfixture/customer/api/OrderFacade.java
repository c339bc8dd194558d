package archfixture.customer.api;

import archfixture.customer.internal.Checkout;

/** Fixture for ArchitectureTest: a domain's api importing its own internals. */
public class OrderFacade {
  public String describe(Checkout checkout) {
    return checkout.toString();
  }
}
