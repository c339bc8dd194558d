package org.linecommerce.customer.http;

import org.junit.jupiter.api.BeforeAll;
import org.linecommerce.testkit.TestDatabase;

/** {@link CustomerRecommendationsTest} on PostgreSQL ({@code TEST_PG_URL} or the embedded server). */
class CustomerRecommendationsPostgresTest extends CustomerRecommendationsTest {

  @BeforeAll
  static void startNodeWithSampleCatalog() {
    start(TestDatabase.postgres());
  }
}
