package org.linecommerce.catalog.internal.search;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Pekko Management readiness check: a catalog node is ready only once its search index has loaded
 * the durable read model and caught up with the journal since (before that, searches would answer
 * from a partial catalog). Nodes without
 * the catalog role are always ready as far as this check goes.
 */
public final class CatalogIndexReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final org.apache.pekko.actor.typed.ActorSystem<?> system;

  public CatalogIndexReadinessCheck(ActorSystem system) {
    this.system = Adapter.toTyped(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(CatalogSearch.readyOn(system));
  }
}
