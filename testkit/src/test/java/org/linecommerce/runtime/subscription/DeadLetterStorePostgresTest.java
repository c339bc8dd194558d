package org.linecommerce.runtime.subscription;

import org.linecommerce.testkit.TestDatabase;

/** The dead-letter scenario ({@link DeadLetterScenario}) on Postgres. */
class DeadLetterStorePostgresTest extends DeadLetterScenario {
  DeadLetterStorePostgresTest() {
    super(TestDatabase.Kind.POSTGRES);
  }
}
