package org.linecommerce.runtime.health;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.linecommerce.runtime.persistence.Database;

/**
 * Pekko Management readiness check: the node is ready only while its database answers a
 * round-trip (the cluster-membership check, from pekko-management-cluster-http, adds "Up").
 */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final Database database;

  public DatabaseReadinessCheck(ActorSystem system) {
    this.database = Database.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return database.ping();
  }
}
