package org.linecommerce.catalog.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Where recommendations for a known shopper get their signals: the interests and recently viewed
 * products of a user. The catalog is a leaf domain and cannot ask the customer domain, so whoever
 * wires the node supplies an implementation (for example one that asks the customer domain's api);
 * until then {@link #NONE} knows nothing and recommendations fall back to the catalog's own
 * (popular products in stock).
 *
 * <p>The inversion: a higher domain {@link #register registers} its signals with the actor system
 * (the customer module does in its init) and the product routes look them up through
 * {@link #registered} at request time, so the catalog never depends on who supplies them.
 */
@FunctionalInterface
public interface RecommendationSignals {

  /** Knows nothing about any user. */
  RecommendationSignals NONE = userId -> CompletableFuture.completedFuture(Signals.EMPTY);

  /** Makes {@code signals} the system's signals, replacing any registered before. */
  static void register(ActorSystem<?> system, RecommendationSignals signals) {
    RecommendationSignalsRegistry.get(system).register(signals);
  }

  /**
   * Signals that ask whatever is registered with {@code system} at the time of each call
   * ({@link #NONE} while nothing is).
   */
  static RecommendationSignals registered(ActorSystem<?> system) {
    RecommendationSignalsRegistry registry = RecommendationSignalsRegistry.get(system);
    return userId -> registry.current().forUser(userId);
  }

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
