package org.linecommerce.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The registry through which a higher domain gives the catalog its recommendation signals. */
class RecommendationSignalsRegistryTest {

  static final ActorTestKit testKit = ActorTestKit.create("RecommendationSignalsRegistryTest");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void registeredSignalsAreLookedUpAtEachCallAndKnowNothingUntilSomeoneRegisters() {
    RecommendationSignals view = RecommendationSignals.registered(testKit.system());
    assertThat(view.forUser("U1").toCompletableFuture().join()).isEqualTo(RecommendationSignals.Signals.EMPTY);

    RecommendationSignals.Signals known = new RecommendationSignals.Signals(List.of("tea"), List.of("matcha-powder-1"));
    RecommendationSignals.register(testKit.system(),
        userId -> CompletableFuture.completedFuture(userId.equals("U1") ? known : RecommendationSignals.Signals.EMPTY));

    assertThat(view.forUser("U1").toCompletableFuture().join()).isEqualTo(known);
    assertThat(view.forUser("U2").toCompletableFuture().join()).isEqualTo(RecommendationSignals.Signals.EMPTY);
    assertThat(RecommendationSignalsRegistry.get(testKit.system()).current()).isNotSameAs(RecommendationSignals.NONE);
  }
}
