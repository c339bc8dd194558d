package archfixture.catalog.internal;

/** Fixture for ArchitectureTest: a domain's internal class. */
public class StockLedger {
  public int available() {
    return 1;
  }
}
