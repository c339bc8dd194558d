package archfixture.runtime;

import archfixture.catalog.internal.StockLedger;

/** Fixture for ArchitectureTest: the runtime knowing a domain. */
public class Engine {
  public int peek(StockLedger ledger) {
    return ledger.available();
  }
}
