package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads saga snapshots of version 1, whose manifest is {@code org.linecommerce.runtime.saga.Saga$State}
 * (the state was a record nested in {@link Saga}), as {@link SagaState}: same fields, new class
 * name. Registered for the old name under {@code pekko.serialization.jackson.migrations} in
 * {@code linecommerce-pekko.conf}; proven by the stored-payload fixture
 * {@code compat/saga-events-v1.properties}. New snapshots carry the new name and need no migration.
 */
public final class SagaStateMigration extends JacksonMigration {

  /** The manifest of version-1 snapshots. */
  public static final String VERSION_1_CLASS = "org.linecommerce.runtime.saga.Saga$State";

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    return VERSION_1_CLASS.equals(className) ? SagaState.class.getName() : className;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json; // the fields did not change
  }
}
