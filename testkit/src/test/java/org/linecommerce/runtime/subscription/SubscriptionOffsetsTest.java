package org.linecommerce.runtime.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.testkit.NodeTestKit;

/** A subscription's offsets are stored in the database, so a restarted node does not replay from zero. */
class SubscriptionOffsetsTest {

  @RegisterExtension
  static final NodeTestKit kit = NodeTestKit.h2().withConfig("""
      pekko.projection.at-least-once.save-offset-after-envelopes = 10
      pekko.projection.at-least-once.save-offset-after-duration = 100ms
      """);

  static final String SUBSCRIPTION = "offsets-test";
  static final List<String> ENTITIES = IntStream.range(0, 12).mapToObj(i -> "offsets-" + i).toList();

  @Test
  void afterRestartTheSubscriptionResumesFromItsStoredOffsetsInsteadOfReplayingFromZero() throws Exception {
    assertThat(ENTITIES.stream().map(Beacon.TAGS::tagFor).collect(Collectors.toSet()))
        .as("the entities' events cover every tag")
        .containsExactlyInAnyOrderElementsOf(Beacon.TAGS.all());

    RecordingHandler before = new RecordingHandler();
    start(kit.system(), before);
    Set<String> firstBatch = emit(kit.system(), "before-", 240);
    Awaitility.await("first batch delivered")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> before.deliveredIds().containsAll(firstBatch));
    Awaitility.await("offsets stored up to the last event of every tag")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> storedOffsets().equals(lastOrderingPerTag()));

    ActorSystem<Void> restarted = kit.restart().system();
    RecordingHandler after = new RecordingHandler();
    start(restarted, after);
    Set<String> secondBatch = emit(restarted, "after-", 60);
    Awaitility.await("second batch delivered after the restart")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> after.deliveredIds().containsAll(secondBatch));

    // each tag's projection reads in journal order: any replay of the first batch would have
    // reached the handler before that tag's events of the second batch
    assertThat(after.deliveredIds()).as("events of the first batch delivered again after the restart")
        .doesNotContainAnyElementsOf(firstBatch);
    assertThat(after.deliveredIds()).isEqualTo(secondBatch);
  }

  private static void start(ActorSystem<?> system, RecordingHandler handler) {
    Beacon.init(system);
    EventSubscription.start(system, SUBSCRIPTION, Beacon.TAGS, Beacon.Event.class, handler);
  }

  /** Emits {@code count} events spread over every entity (and so every tag); returns their ids. */
  private static Set<String> emit(ActorSystem<?> system, String prefix, int count) {
    List<CompletableFuture<?>> emitted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      emitted.add(Beacon.emit(system, ENTITIES.get(i % ENTITIES.size()), prefix + i).toCompletableFuture());
    }
    CompletableFuture.allOf(emitted.toArray(CompletableFuture[]::new)).join();
    return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toSet());
  }

  /** tag → offset the subscription stored for it (the journal ordering it handled last). */
  private static Map<String, Long> storedOffsets() throws Exception {
    Map<String, Long> offsets = new HashMap<>();
    try (Connection c = kit.database().connect();
        PreparedStatement q = c.prepareStatement(
            "SELECT projection_key, current_offset FROM pekko_projection_offset_store WHERE projection_name = ?")) {
      q.setString(1, SUBSCRIPTION);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) offsets.put(rs.getString(1), Long.parseLong(rs.getString(2)));
      }
    }
    return offsets;
  }

  /** tag → ordering of its last event in the journal. */
  private static Map<String, Long> lastOrderingPerTag() throws Exception {
    Map<String, Long> last = new HashMap<>();
    try (Connection c = kit.database().connect();
        PreparedStatement q = c.prepareStatement("SELECT tag, MAX(event_id) FROM event_tag GROUP BY tag");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) last.put(rs.getString(1), rs.getLong(2));
    }
    return last;
  }
}
