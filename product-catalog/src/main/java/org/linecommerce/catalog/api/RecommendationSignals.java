package org.linecommerce.catalog.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where recommendations for a known shopper get their signals: the interests and recently viewed
 * products of a user. The catalog is a leaf domain and cannot ask the customer domain, so whoever
 * wires the node supplies an implementation (for example one that asks the customer domain's api);
 * until then {@link #NONE} knows nothing and recommendations fall back to the catalog's own
 * (popular products in stock).
 */
@FunctionalInterface
public interface RecommendationSignals {

  /** Knows nothing about any user. */
  RecommendationSignals NONE = userId -> CompletableFuture.completedFuture(Signals.EMPTY);

  /** The signals for {@code userId}; must complete (with {@link Signals#EMPTY} when unknown or unavailable). */
  CompletionStage<Signals> forUser(String userId);

  /** What is known of one shopper. */
  record Signals(List<String> interests, List<String> recentProductIds) {
    public static final Signals EMPTY = new Signals(List.of(), List.of());

    public Signals {
      interests = interests == null ? List.of() : List.copyOf(interests);
      recentProductIds = recentProductIds == null ? List.of() : List.copyOf(recentProductIds);
    }
  }
}
