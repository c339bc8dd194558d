package org.linecommerce.runtime.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** A subscription delivers every event of every tag to its handler, on H2 and on PostgreSQL. */
class EventSubscriptionDeliveryTest {

  static final Config FAST_OFFSETS = ConfigFactory.parseString("""
      pekko.projection.at-least-once.save-offset-after-envelopes = 50
      pekko.projection.at-least-once.save-offset-after-duration = 100ms
      """);

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void thousandEventsAcrossAllTagsAllReachTheHandler(TestDatabase.Kind kind) {
    RecordingHandler handler = new RecordingHandler();
    try (TestDatabase db = TestDatabase.of(kind);
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(Beacon.module(system ->
            EventSubscription.start(system, "all-events", Beacon.TAGS, Beacon.Event.class, handler))), FAST_OFFSETS)) {
      ActorSystem<?> system = cluster.system(0);
      List<String> entities = IntStream.range(0, 40).mapToObj(i -> "entity-" + i).toList();
      assertThat(entities.stream().map(Beacon.TAGS::tagFor).collect(Collectors.toSet()))
          .as("the entities' events cover every tag")
          .containsExactlyInAnyOrderElementsOf(Beacon.TAGS.all());

      List<CompletableFuture<?>> emitted = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        emitted.add(Beacon.emit(system, entities.get(i % entities.size()), "event-" + i).toCompletableFuture());
      }
      CompletableFuture.allOf(emitted.toArray(CompletableFuture[]::new)).join();

      Set<String> expected = IntStream.range(0, 1000).mapToObj(i -> "event-" + i).collect(Collectors.toSet());
      Awaitility.await("every event delivered")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> handler.deliveredIds().size() >= expected.size());
      assertThat(handler.deliveredIds()).isEqualTo(expected);
      assertThat(expected).allSatisfy(id -> assertThat(handler.deliveries(id)).as(id).isGreaterThanOrEqualTo(1));
      double processed = Metrics.get(system).registry()
          .get("subscription.events.processed").tag("subscription", "all-events").counter().count();
      assertThat(processed).isGreaterThanOrEqualTo(1000);
    }
  }
}
