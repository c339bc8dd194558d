package org.linecommerce.catalog.api;

import java.util.Objects;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Where a node keeps the {@link RecommendationSignals} a higher domain registered (one per actor
 * system; {@link RecommendationSignals#NONE} until one registers). Use
 * {@link RecommendationSignals#register} and {@link RecommendationSignals#registered}.
 */
public final class RecommendationSignalsRegistry implements Extension {

  private volatile RecommendationSignals signals = RecommendationSignals.NONE;

  private RecommendationSignalsRegistry() {}

  public static RecommendationSignalsRegistry get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  public void register(RecommendationSignals signals) {
    this.signals = Objects.requireNonNull(signals, "signals");
  }

  /** The registered signals, {@link RecommendationSignals#NONE} when none are. */
  public RecommendationSignals current() {
    return signals;
  }

  static final class Id extends ExtensionId<RecommendationSignalsRegistry> {
    static final Id INSTANCE = new Id();

    @Override
    public RecommendationSignalsRegistry createExtension(ActorSystem<?> system) {
      return new RecommendationSignalsRegistry();
    }
  }
}
