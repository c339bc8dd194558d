package org.linecommerce.runtime.subscription;

import org.linecommerce.testkit.TestDatabase;

/** The dead-letter scenario ({@link DeadLetterScenario}) on H2. */
class DeadLetterStoreH2Test extends DeadLetterScenario {
  DeadLetterStoreH2Test() {
    super(TestDatabase.Kind.H2);
  }
}
